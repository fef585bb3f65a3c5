import { commandSchema, secondsUntilExpiry } from '../../../../core/contracts';

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
});
