import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasource, meterflowTag } from '../../../dashboards/common';
import { idPattern, maxIdLength } from '../../../core/contracts/wire-fields';
import { allDashboards, dashboardJson, panelQueries } from '../../../dashboards/index';
import { meterIdRegex } from '../../../dashboards/meter-detail/variables';
import { expandGrafanaMacros, intervalText } from './grafana-macros';

// Structural checks on what Grafana's provisioning needs; the schema itself is checked in
// grafana-schema.test.ts (Grafana publishes it as TypeScript types, @grafana/schema).
const dir = join(__dirname, '..', '..', '..', 'deploy', 'grafana', 'dashboards');
const dashboards = allDashboards();

describe('dashboards', () => {
  it('the committed provisioning files are exactly a fresh build (run `npm run dashboards` and commit)', () => {
    const expected = Object.fromEntries(dashboards.map((d) => [`${d.uid}.json`, dashboardJson(d)]));
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(expected).sort());
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).toBe(expected[f]);
  });

  it('each has a fixed meterflow- uid (unique), a title, the meterflow tag, and the QuestDB datasource type from provisioning', () => {
    const uids = dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const d of dashboards) {
      expect(d.uid).toMatch(/^meterflow-[a-z0-9-]+$/);
      expect(d.uid!.length).toBeLessThanOrEqual(40); // Grafana's uid limit
      expect(d.title).toBeTruthy();
      expect(d.tags).toContain(meterflowTag);
      expect(d.editable).toBe(false);
    }
    const provisioning = readFileSync(join(__dirname, '..', '..', '..', 'deploy', 'grafana', 'provisioning', 'datasources', 'questdb.yaml'), 'utf8');
    expect(provisioning).toContain(`uid: ${datasource.uid}`);
    expect(provisioning).toContain(`type: ${datasource.type}`);
  });

  it('every panel queries the QuestDB datasource with non-empty raw SQL, a refId and a format', () => {
    for (const d of dashboards) {
      const queries = panelQueries(d);
      expect(queries.length).toBeGreaterThan(0);
      for (const q of queries) {
        const where = `${q.dashboardUid} / ${q.panelTitle}`;
        expect([where, q.datasourceUid]).toEqual([where, 'meterflow-questdb']);
        expect([where, (q.rawSql ?? '').trim().length > 0]).toEqual([where, true]);
        expect([where, q.refId]).toEqual([where, 'A']);
        expect([where, q.format === 'table' || q.format === 'time_series']).toEqual([where, true]);
      }
    }
  });

  it('panel ids are unique per dashboard, and panels fit the 24-column grid', () => {
    for (const d of dashboards) {
      const ids = (d.panels ?? []).map((p) => p.id);
      expect(ids.every((id) => typeof id === 'number' && id > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of d.panels ?? []) expect(p.gridPos!.x + p.gridPos!.w).toBeLessThanOrEqual(24);
    }
  });

  it('time series use SAMPLE BY $__interval with ALIGN TO CALENDAR, alias the time column, and set a minimum interval of whole seconds', () => {
    for (const d of dashboards) {
      for (const q of panelQueries(d).filter((q) => q.format === 'time_series')) {
        expect([q.panelTitle, /\bAS time\b/.test(q.rawSql!)]).toEqual([q.panelTitle, true]);
        if (q.rawSql!.includes('SAMPLE BY')) expect([q.panelTitle, q.rawSql!.includes('SAMPLE BY $__interval ALIGN TO CALENDAR')]).toEqual([q.panelTitle, true]);
        const panel = (d.panels ?? []).find((p) => p.id === q.panelId) as { interval?: string };
        expect([q.panelTitle, panel.interval]).toEqual([q.panelTitle, '1m']);
      }
    }
  });

  it('only the meter detail dashboard uses a template variable, $meter, defined from the readings table', () => {
    for (const d of dashboards) {
      const vars = (d.templating?.list ?? []).map((v) => v.name);
      const used = panelQueries(d).some((q) => /\$\{?meter\b/.test(q.rawSql!));
      expect([d.uid, used]).toEqual([d.uid, vars.includes('meter')]);
    }
    const meter = dashboards.find((d) => d.uid === 'meterflow-meter-detail')!.templating!.list![0]!;
    expect(meter).toMatchObject({ name: 'meter', type: 'query', query: 'SELECT DISTINCT meter_id FROM readings ORDER BY meter_id', datasource });
  });

  // A variable's value (from the picker or the URL) cannot end a SQL literal.
  it('every variable in panel SQL is quoted by Grafana\'s sqlstring format, never by hand or bare', () => {
    const references = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)(?::\w+)?\]\]|\$(?!__)(\w+)/g;
    const unsafe: string[] = [];
    let checked = 0;
    for (const d of dashboards) {
      for (const q of panelQueries(d)) {
        for (const m of q.rawSql!.matchAll(references)) {
          checked += 1;
          if (m[2] !== 'sqlstring') unsafe.push(`${d.uid} / ${q.panelTitle}: ${m[0]}`);
        }
      }
    }
    expect(unsafe).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it('the meter detail shows the meter\'s edge statistics: min/max band (max filled down to min) and the count-weighted mean', () => {
    const detail = dashboards.find((d) => d.uid === 'meterflow-meter-detail')!;
    const edge = panelQueries(detail).filter((q) => q.rawSql!.includes('FROM edge_stats'));
    expect(edge.map((q) => q.panelTitle)).toEqual(['Edge statistics: min/max band and mean ($meter)']);
    const compact = edge[0]!.rawSql!.replace(/\s+/g, ' ');
    expect(compact).toBe(
      'SELECT ts AS time, min(min) AS min, max(max) AS max, sum(mean * count) / sum(count) AS mean FROM edge_stats WHERE meter_id = ${meter:sqlstring} AND $__timeFilter(ts) SAMPLE BY $__interval ALIGN TO CALENDAR',
    );
    const panel = (detail.panels ?? []).find((p) => p.id === edge[0]!.panelId) as { fieldConfig?: { overrides?: { matcher: { options: string }; properties: { id: string; value: unknown }[] }[] } };
    const max = panel.fieldConfig!.overrides!.find((o) => o.matcher.options === 'max')!;
    expect(max.properties).toContainEqual({ id: 'custom.fillBelowTo', value: 'min' });
  });

  it('the meter detail shows the meter\'s use by hour of day (mean and lowest rate), pointing to the recommendations field', () => {
    const detail = dashboards.find((d) => d.uid === 'meterflow-meter-detail')!;
    const savings = panelQueries(detail).filter((q) => q.panelTitle.startsWith('Use by hour of day'));
    expect(savings.map((q) => [q.panelTitle, q.format])).toEqual([['Use by hour of day, UTC ($meter)', 'table']]);
    expect(savings[0]!.rawSql!.replace(/\s+/g, ' ')).toBe(
      'SELECT hour(ts) AS hour, avg(value) AS mean, min(value) AS lowest FROM readings WHERE meter_id = ${meter:sqlstring} AND $__timeFilter(ts) AND value != null ORDER BY hour',
    );
    const panel = (detail.panels ?? []).find((p) => p.id === savings[0]!.panelId) as { type?: string; description?: string; options?: { xField?: string } };
    expect([panel.type, panel.options?.xField]).toEqual(['barchart', 'hour']);
    expect(panel.description).toContain('recommendations');
  });

  it('the meter picker offers only meter ids as core/contracts defines them, and no typed-in value', () => {
    const meter = dashboards.find((d) => d.uid === 'meterflow-meter-detail')!.templating!.list![0]! as { regex?: string; allowCustomValue?: boolean };
    expect(meter.regex).toBe(meterIdRegex);
    expect(meter.allowCustomValue).toBe(false);
    const regex = new RegExp(meterIdRegex.slice(1, -1));
    // The same language as idPattern, up to maxIdLength.
    for (const id of ['m-1', 'sim-w-0001', 'a.b:c_d', 'x'.repeat(maxIdLength)]) expect([id, regex.test(id)]).toEqual([id, idPattern.test(id)]);
    for (const id of ["x' OR '1'='1", 'x'.repeat(maxIdLength + 1), '', 'a b']) expect([id, regex.test(id)]).toEqual([id, false]);
  });
});

describe('Grafana macro expansion (as the PostgreSQL datasource does it)', () => {
  const ctx = { from: new Date('2026-11-23T08:00:00.123Z'), to: new Date('2026-11-23T12:00:00Z'), intervalMs: 3_600_000, variables: { meter: 'm-1' } };

  it('expands time filter, from/to, interval and variables', () => {
    expect(expandGrafanaMacros(`SELECT count() / ($__interval_ms / 1000.0) FROM readings WHERE meter_id = '$meter' AND $__timeFilter(ts) AND ts < $__timeTo() AND ts > $__timeFrom() SAMPLE BY $__interval`, ctx)).toBe(
      `SELECT count() / (3600000 / 1000.0) FROM readings WHERE meter_id = 'm-1' AND ts BETWEEN '2026-11-23T08:00:00Z' AND '2026-11-23T12:00:00Z' AND ts < '2026-11-23T12:00:00Z' AND ts > '2026-11-23T08:00:00Z' SAMPLE BY 1h`,
    );
    expect([60_000, 90_000, 86_400_000, 500].map(intervalText)).toEqual(['1m', '90s', '1d', '500ms']);
  });

  it('quotes ${var:sqlstring} as Grafana does (every \' doubled) and inserts a bare $var as it is', () => {
    const hostile = { ...ctx, variables: { meter: "x' OR '1'='1" } };
    expect(expandGrafanaMacros('WHERE meter_id = ${meter:sqlstring}', hostile)).toBe("WHERE meter_id = 'x'' OR ''1''=''1'");
    expect(expandGrafanaMacros("WHERE meter_id = '$meter'", hostile)).toBe("WHERE meter_id = 'x' OR '1'='1'");
  });

  it('refuses to leave a macro or variable unexpanded', () => {
    expect(() => expandGrafanaMacros(`SELECT '$other'`, ctx)).toThrow(/\$other/);
  });

  it('expands every dashboard query', () => {
    for (const d of dashboards) for (const q of panelQueries(d)) expect(() => expandGrafanaMacros(q.rawSql!, ctx)).not.toThrow();
  });
});
