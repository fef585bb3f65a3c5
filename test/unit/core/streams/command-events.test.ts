import { isMeterflowError } from '../../../../core/errors';
import { commandEventsTable, commandEventsTopic, commandEventToRow, decodeCommandEvent, encodeCommandEvent, type CommandEvent } from '../../../../core/streams/command-events';

const rejected: CommandEvent = { commandId: 'cmd-1', meterId: 'meter-7', state: 'rejected', source: 'device', reason: 'replayed', seq: 12, at: 1_700_000_000_123 };

function refusalMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isMeterflowError(error, 'STREAM_RECORD_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the record to be refused');
}

describe('command-events stream', () => {
  it('decodes what it encodes', () => {
    expect(decodeCommandEvent(Buffer.from(encodeCommandEvent(rejected)))).toEqual(rejected);
    const delivered: CommandEvent = { commandId: 'c', meterId: 'm', state: 'delivered', source: 'bridge', at: 0 };
    expect(decodeCommandEvent(encodeCommandEvent(delivered))).toEqual(delivered);
  });

  it('drops fields it does not know instead of carrying them on', () => {
    expect(decodeCommandEvent(JSON.stringify({ ...rejected, extra: 1 }))).toEqual(rejected);
  });

  it('refuses an unknown state, naming the field', () => {
    expect(refusalMessage(() => decodeCommandEvent(JSON.stringify({ ...rejected, state: 'lost' })))).toMatch(/^command-events record: state /);
  });

  it('refuses a seq QuestDB cannot store as a LONG exactly', () => {
    expect(refusalMessage(() => decodeCommandEvent(JSON.stringify({ ...rejected, seq: 1e21 })))).toMatch(/seq/);
  });

  it('refuses a record without its time', () => {
    const withoutTime: Partial<CommandEvent> = { ...rejected };
    delete withoutTime.at;
    expect(refusalMessage(() => decodeCommandEvent(JSON.stringify(withoutTime)))).toMatch(/^command-events record: at /);
  });

  it('writes a row at the time it happened, seq as a LONG', () => {
    expect(commandEventToRow(rejected)).toEqual({
      table: 'command_events',
      ts: 1_700_000_000_123,
      symbols: { command_id: 'cmd-1', meter_id: 'meter-7', state: 'rejected', source: 'device' },
      values: { reason: 'replayed', seq: 12 },
      types: { seq: 'long' },
    });
  });

  it('names its topic command-acks (the name outside consumers know) and its table', () => {
    expect(commandEventsTopic('p.', 6).name).toBe('p.command-acks');
    expect(commandEventsTable.ddl).toContain('DEDUP UPSERT KEYS(ts, command_id, state)');
  });
});
