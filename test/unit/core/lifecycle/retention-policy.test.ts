import { loadConfig } from '../../../../core/config';
import { ConfigError } from '../../../../core/config/config-error';
import { questdbTables } from '../../../../core/contracts/questdb-tables';
import { loadRetentionRules, tablePolicies } from '../../../../core/lifecycle/retention-policy';

const rules = (env: Record<string, string> = {}) => loadRetentionRules(loadConfig(env));
const ruleOf = (env: Record<string, string>, table: string) => {
  const rule = rules(env).tables.find((t) => t.name === table)!;
  return { period: rule.period.forever ? 'forever' : `${rule.period.count}${rule.period.unit}`, source: rule.source };
};

/** The ConfigError a configuration raises. */
function refusal(env: Record<string, string>): ConfigError {
  try {
    rules(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('retention rules: defaults', () => {
  it('every table has a policy, and no policy names a table that does not exist', () => {
    expect(Object.keys(tablePolicies).sort()).toEqual(Object.values(questdbTables).map((t) => t.name).sort());
  });

  it("keep today's behaviour: each table's default is the TTL its DDL declares, or forever", () => {
    for (const rule of rules().tables) {
      const spec = Object.values(questdbTables).find((t) => t.name === rule.name)!;
      const ddlTtl = /\bTTL (\d+) DAYS\b/.exec(spec.ddl);
      expect([rule.name, rule.period]).toEqual([rule.name, ddlTtl ? { forever: false, count: Number(ddlTtl[1]), unit: 'd' } : { forever: true }]);
      expect(rule.source).toBe('default');
    }
    // The three diagnostic tables have their 30 days; readings, invoices and the audit log are kept.
    expect(ruleOf({}, 'dead_letters').period).toBe('30d');
    expect(ruleOf({}, 'readings').period).toBe('forever');
    expect(ruleOf({}, 'invoices').period).toBe('forever');
  });

  it("keep each topic's retention.ms as topicSpec creates it, under MF_KAFKA_TOPIC_PREFIX", () => {
    const topics = rules({ MF_KAFKA_TOPIC_PREFIX: 'acme.' }).topics.map((t) => [t.topic, `${t.period.forever ? 'forever' : `${t.period.count}${t.period.unit}`}`]);
    expect(topics).toEqual([
      ['acme.readings', '7d'],
      ['acme.edge-stats', '7d'],
      ['acme.dead-letters', '30d'],
      ['acme.commands', '7d'],
      ['acme.command-acks', '7d'],
      ['acme.alerts', '30d'],
      ['acme.rollups', '7d'],
    ]);
  });
});

describe('retention rules: the raw readings never shorter than the rollups need', () => {
  it('with the default windows: 25 h (a local day around DST) + 2 min lateness + 1 h history idle = 26 h 2 min → 2 days', () => {
    expect(rules().readingsFloor).toEqual({ forever: false, count: 2, unit: 'd' });
    expect(ruleOf({ MF_RETENTION_TABLES: 'readings=2d' }, 'readings')).toEqual({ period: '2d', source: 'configured' });
    const error = refusal({ MF_RETENTION_TABLES: 'readings=1d' });
    expect(error.variable).toBe('MF_RETENTION_TABLES');
    expect(error.message).toContain('readings=1d is shorter than 2d');
  });

  it('follows the processors: a 48h window → 48 h + 2 min + 1 h → 3 days', () => {
    expect(rules({ MF_ROLLING_WINDOWS: '15m/5m,48h/1h' }).readingsFloor).toEqual({ forever: false, count: 3, unit: 'd' });
    expect(refusal({ MF_ROLLING_WINDOWS: '48h/1h', MF_RETENTION_TABLES: 'readings=2d' }).message).toContain('shorter than 3d');
  });

  it("checks the readings topic's default too: a 7-day history idle time needs 25 h + 2 min + 168 h → 9 days > 7d", () => {
    const error = refusal({ MF_PROCESSORS_HISTORY_IDLE_MS: String(7 * 86_400_000) });
    expect(error.variable).toBe('MF_RETENTION_TOPICS');
    expect(error.message).toContain('readings=7d (the default) is shorter than 9d');
    expect(rules({ MF_PROCESSORS_HISTORY_IDLE_MS: String(7 * 86_400_000), MF_RETENTION_TOPICS: 'readings=9d' }).topics[0]!.period).toEqual({ forever: false, count: 9, unit: 'd' });
  });

  it('rollups and rolling averages outlive the readings they summarise', () => {
    expect(ruleOf({ MF_RETENTION_TABLES: 'readings=90d,rollups=2y,rolling_averages=90d' }, 'rollups').period).toBe('2y');
    const error = refusal({ MF_RETENTION_TABLES: 'readings=400d,rollups=30d' });
    expect(error.message).toContain('rollups=30d is shorter than readings=400d');
    // Forever readings: any finite rollup rule is shorter.
    expect(refusal({ MF_RETENTION_TABLES: 'rolling_averages=10y' }).message).toContain('rolling_averages=10y is shorter than readings=forever');
  });
});

describe('retention rules: what is refused, by name', () => {
  it.each([
    ['invoices=3y', 'invoices=3y is shorter than 5y'],
    ['payments=59mo', 'payments=59mo is shorter than 5y'],
    ['audit_log=6mo', 'audit_log=6mo is shorter than 1y'],
    ['audit_log=400d', 'partitioned by MONTH'],
    ['tariff_versions=12mo', 'tariff_versions cannot expire'],
    ['meter_registry=10y', 'meter_registry cannot expire'],
    ['processor_state=30d', 'processor_state cannot expire'],
    ['readings=36h', 'partitioned by DAY'],
    ['reading=400d', 'unknown table "reading"'],
    ['readings=400d,readings=500d', 'readings is set twice'],
    ['readings=90', 'readings: "90" is not a period'],
    ['readings', '"readings" must be <name>=<period>'],
  ])('MF_RETENTION_TABLES=%s', (spec, message) => {
    const error = refusal({ MF_RETENTION_TABLES: spec });
    expect(error.variable).toBe('MF_RETENTION_TABLES');
    expect(error.message).toContain(message);
  });

  it.each([
    ['readings=1y', 'fixed duration'],
    ['readingz=7d', 'unknown topic "readingz"'],
    ['readings=1d', 'readings=1d is shorter than 2d'],
  ])('MF_RETENTION_TOPICS=%s', (spec, message) => {
    const error = refusal({ MF_RETENTION_TOPICS: spec });
    expect(error.variable).toBe('MF_RETENTION_TOPICS');
    expect(error.message).toContain(message);
  });

  it('accepts the legal minimum in months, forever for reference data, and whole days in hours', () => {
    expect(ruleOf({ MF_RETENTION_TABLES: 'invoices=60mo' }, 'invoices').period).toBe('60mo');
    expect(ruleOf({ MF_RETENTION_TABLES: 'meter_registry=forever' }, 'meter_registry').period).toBe('forever');
    expect(ruleOf({ MF_RETENTION_TABLES: 'readings=72h' }, 'readings').period).toBe('72h');
    const topic = rules({ MF_RETENTION_TOPICS: 'dead-letters=forever' }).topics.find((t) => t.name === 'dead-letters')!;
    expect([topic.period, topic.source]).toEqual([{ forever: true }, 'configured']);
  });
});
