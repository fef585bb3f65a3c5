import type { Command } from '../../../../core/contracts';
import { isMeterflowError } from '../../../../core/errors';
import { commandsTable, commandsTopic, commandToRow, decodeCommand, encodeCommand, paramString } from '../../../../core/streams/commands';

const block: Command = {
  commandId: 'cmd-1',
  meterId: 'meter-7',
  type: 'block',
  params: { reason: 'debt', note: 'three invoices unpaid' },
  issuedAt: '2026-03-01T10:00:00Z',
  expiresAt: '2026-03-02T10:00:00.000Z',
  issuedBy: 'admin@example',
  seq: 1_772_359_200_000_000,
};

function refusalMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isMeterflowError(error, 'STREAM_RECORD_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the record to be refused');
}

describe('commands stream', () => {
  it('decodes what it encodes', () => {
    expect(decodeCommand(Buffer.from(encodeCommand(block)))).toEqual(block);
  });

  it('refuses an unknown command type, naming the field', () => {
    expect(refusalMessage(() => decodeCommand(JSON.stringify({ ...block, type: 'self-destruct' })))).toMatch(/^commands record: type /);
  });

  it('refuses a command that expires before it is issued, naming expiresAt', () => {
    expect(refusalMessage(() => decodeCommand(JSON.stringify({ ...block, expiresAt: '2026-03-01T09:00:00Z' })))).toMatch(/expiresAt/);
  });

  it('refuses a field the contract does not know (the schema is strict)', () => {
    expect(refusalMessage(() => decodeCommand(JSON.stringify({ ...block, priority: 'high' })))).toMatch(/^commands record: /);
  });

  it('writes a row keyed by issue time, lifting reason and note out of params', () => {
    expect(commandToRow(block, 3, '41')).toEqual({
      table: 'commands',
      ts: Date.UTC(2026, 2, 1, 10),
      symbols: { command_id: 'cmd-1', meter_id: 'meter-7', type: 'block', reason: 'debt' },
      values: {
        note: 'three invoices unpaid',
        params: '{"reason":"debt","note":"three invoices unpaid"}',
        issued_by: 'admin@example',
        expires_at: Date.UTC(2026, 2, 2, 10),
        kafka_partition: 3,
        kafka_offset: 41,
      },
      types: { expires_at: 'timestamp', kafka_partition: 'long', kafka_offset: 'long' },
    });
  });

  it('leaves optional columns null when the command has no params or issuer', () => {
    const row = commandToRow({ commandId: 'c', meterId: 'm', type: 'request-reading', issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T00:01:00Z' }, 0, '0');
    expect(row.symbols).toEqual({ command_id: 'c', meter_id: 'm', type: 'request-reading' });
    expect(row.values).toMatchObject({ note: null, params: null, issued_by: null });
  });

  it('lifts only string params', () => {
    expect(paramString({ params: { intervalS: 60, reason: 'x' } }, 'intervalS')).toBeNull();
    expect(paramString({ params: { intervalS: 60, reason: 'x' } }, 'reason')).toBe('x');
  });

  it('names its topic and table', () => {
    expect(commandsTopic('p.', 6).name).toBe('p.commands');
    expect(commandsTable.ddl).toContain('DEDUP UPSERT KEYS(ts, command_id)');
  });
});
