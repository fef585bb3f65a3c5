import { isMeterflowError } from '../../../../core/errors';
import { alertFromRow, alertsTable, alertsTopic, alertToRow, decodeAlert, encodeAlert, storedAlertColumns, storedAlertFromRow, type AlertEvent } from '../../../../core/streams/alerts';

const closed: AlertEvent = {
  alertId: 'a1b2',
  meterId: 'meter-7',
  sector: 'north',
  rule: 'continuous-flow',
  ruleKind: 'continuous-flow',
  severity: 'warning',
  state: 'closed',
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_003_600_000,
  evidence: { minHourlyL: 2.5, night: true, note: null },
  estimatedLossL: 60,
  at: 1_700_003_600_000,
};

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isMeterflowError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the record to be refused');
}

describe('alerts stream', () => {
  it('publishes an alert as the alerts table columns, flattened', () => {
    expect(JSON.parse(encodeAlert(closed))).toEqual({
      table: 'alerts',
      ts: 1_700_003_600_000,
      alert_id: 'a1b2',
      meter_id: 'meter-7',
      sector: 'north',
      rule: 'continuous-flow',
      rule_kind: 'continuous-flow',
      severity: 'warning',
      state: 'closed',
      started_at: 1_700_000_000_000,
      ended_at: 1_700_003_600_000,
      estimated_loss_l: 60,
      evidence: '{"minHourlyL":2.5,"night":true,"note":null}',
    });
  });

  it('decodes what it encodes, with and without the optional parts', () => {
    expect(decodeAlert(Buffer.from(encodeAlert(closed)))).toEqual(closed);
    const open: AlertEvent = { alertId: 'x', meterId: 'm', sector: null, rule: 'fridge-too-warm', ruleKind: 'threshold', severity: 'critical', state: 'open', startedAt: 5, evidence: {}, at: 5 };
    expect(decodeAlert(encodeAlert(open))).toEqual(open);
  });

  it('keeps a sector-less alert without a sector symbol, so QuestDB stores NULL', () => {
    const row = alertToRow({ ...closed, sector: null });
    expect(row.symbols).not.toHaveProperty('sector');
    expect(row.table).toBe(alertsTable.name);
    expect(row.types).toEqual({ started_at: 'timestamp', ended_at: 'timestamp' });
  });

  it('reads an alert back from the row a processor emitted', () => {
    expect(alertFromRow(alertToRow(closed))).toEqual(closed);
  });

  it('refuses a record with an unknown severity, naming the field', () => {
    const record = { ...JSON.parse(encodeAlert(closed)), severity: 'apocalyptic' };
    const error = refusal(() => decodeAlert(JSON.stringify(record)));
    expect(error.code).toBe('STREAM_RECORD_INVALID');
    expect(error.message).toMatch(/^alerts record: severity /);
  });

  it('refuses a record without alert_id, evidence that is not an object, or bytes that are not JSON', () => {
    const withoutId = JSON.parse(encodeAlert(closed)) as Record<string, unknown>;
    delete withoutId.alert_id;
    expect(refusal(() => decodeAlert(JSON.stringify(withoutId))).message).toMatch(/alert_id/);
    expect(refusal(() => decodeAlert(JSON.stringify({ ...withoutId, alert_id: 'a', evidence: '[1,2]' }))).message).toMatch(/evidence/);
    expect(refusal(() => decodeAlert(Buffer.from('{not json'))).code).toBe('STREAM_RECORD_INVALID');
    expect(refusal(() => decodeAlert(null)).code).toBe('STREAM_RECORD_INVALID');
  });

  it('names its topic with the deployment prefix and keeps alerts 30 days', () => {
    expect(alertsTopic('t1.', 4)).toEqual({ name: 't1.alerts', partitions: 4, config: { 'retention.ms': String(30 * 86_400_000) }, description: expect.any(String) });
  });

  it('creates its table with the dedup key a replayed transition needs', () => {
    expect(alertsTable.ddl).toContain('DEDUP UPSERT KEYS(ts, alert_id, state)');
  });
});

describe('stored alerts', () => {
  it('reads back an alert row: state as stored, the row time as updatedAt', () => {
    const ts = new Date(Date.UTC(2026, 2, 1, 12));
    const startedAt = new Date(Date.UTC(2026, 2, 1, 3));
    const row = {
      ts, alert_id: 'a-1', meter_id: 'm-1', sector: 'north', rule: 'night-flow', rule_kind: 'night-flow', severity: 'warning', state: 'open',
      started_at: startedAt, ended_at: null, estimated_loss_l: 12.5, evidence: '{"minFlow":0.4}',
    };
    expect(storedAlertFromRow(row)).toEqual({
      alertId: 'a-1', meterId: 'm-1', sector: 'north', rule: 'night-flow', ruleKind: 'night-flow', severity: 'warning', state: 'open',
      startedAt, endedAt: null, estimatedLossL: 12.5, evidence: '{"minFlow":0.4}', updatedAt: ts,
    });
    expect(storedAlertColumns.split(', ')).toEqual(Object.keys(row));
  });
});
