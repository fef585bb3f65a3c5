import { commandSchema, commandSeqOf, secondsUntilExpiry } from '../../../../core/contracts';

const valid = { commandId: 'c-1', meterId: 'm-1', type: 'block', issuedAt: '2026-03-01T12:00:00Z', expiresAt: '2026-03-01T12:10:00Z' };
const firstIssue = (input: unknown) => {
  const result = commandSchema.safeParse(input);
  return result.success ? null : { field: result.error.issues[0]!.path.join('.'), message: result.error.issues[0]!.message };
};

describe('command contract', () => {
  it('accepts a minimal command and one with parameters', () => {
    expect(firstIssue(valid)).toBeNull();
    expect(firstIssue({ ...valid, type: 'set-reporting-interval', params: { intervalS: 900 }, issuedBy: 'ops@utility' })).toBeNull();
  });

  it('names the field at fault', () => {
    expect(firstIssue({ ...valid, type: 'self-destruct' })?.field).toBe('type');
    expect(firstIssue({ ...valid, meterId: 'meters/m-1' })?.field).toBe('meterId');
    expect(firstIssue({ ...valid, expiresAt: '2026-03-01 12:10' })?.field).toBe('expiresAt');
    expect(firstIssue({ ...valid, expiresAt: '2026-03-01T11:59:59Z' })).toEqual({ field: 'expiresAt', message: 'must be after issuedAt' });
    expect(firstIssue({ ...valid, priority: 'high' })?.field).toBe('');
    expect(firstIssue({ ...valid, params: { intervalS: Infinity } })?.field).toBe('params.intervalS');
  });

  it('gives the broker the seconds left before expiry, rounded up', () => {
    const now = Date.parse('2026-03-01T12:09:58.500Z');
    expect(secondsUntilExpiry(valid, now)).toBe(2);
    expect(secondsUntilExpiry(valid, Date.parse('2026-03-01T12:10:00Z'))).toBe(0);
  });

  // The replay counter comes from the record, never from a Kafka offset.
  it('gives a command its seq from the record: the one assigned at issue, else one derived from issuedAt and the id', () => {
    expect(commandSeqOf({ ...valid, seq: 42 })).toBe(42);
    const derived = commandSeqOf(valid);
    expect(Math.floor(derived / 1000)).toBe(Date.parse(valid.issuedAt));
    expect(commandSeqOf({ ...valid })).toBe(derived); // a redelivery signs the same number
    expect(commandSeqOf({ ...valid, issuedAt: '2026-03-01T12:00:00.001Z' })).toBeGreaterThan(derived - 1000);
  });

  it('refuses a seq that is not a positive safe integer or lies beyond the command\'s expiry', () => {
    expect(firstIssue({ ...valid, seq: 0 })?.field).toBe('seq');
    expect(firstIssue({ ...valid, seq: 1e21 })?.field).toBe('seq');
    expect(firstIssue({ ...valid, seq: 1.5 })?.field).toBe('seq');
    expect(firstIssue({ ...valid, seq: (Date.parse(valid.expiresAt) + 1) * 1000 })).toEqual({ field: 'seq', message: 'must be below expiresAt in epoch ms × 1000' });
    expect(firstIssue({ ...valid, seq: Date.parse(valid.issuedAt) * 1000 + 7 })).toBeNull();
  });
});
