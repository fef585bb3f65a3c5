/** The report's stylesheet: laid out for a 1280 px window, charts two to a row where they fit, plain when printed. */
export const reportStyles = `
:root { color-scheme: light; --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --ok: #15803d; --bad: #b91c1c; --bg-ok: #f0fdf4; --bg-bad: #fef2f2; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f8fafc; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 24px 48px; }
header.run { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; display: grid; grid-template-columns: 1fr auto; gap: 8px 24px; align-items: start; }
header.run h1 { margin: 0; font-size: 22px; overflow-wrap: anywhere; }
header.run p.description { margin: 2px 0 0; color: var(--muted); grid-column: 1; overflow-wrap: anywhere; }
header.run dl { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 8px 0 0; }
header.run dl div { display: flex; gap: 6px; }
header.run dt { color: var(--muted); }
header.run dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.verdict { grid-column: 2; grid-row: 1 / span 2; font-weight: 700; font-size: 18px; letter-spacing: .04em; padding: 8px 18px; border-radius: 6px; text-align: center; }
.verdict.pass { color: var(--ok); background: var(--bg-ok); border: 1px solid #86efac; }
.verdict.fail { color: var(--bad); background: var(--bg-bad); border: 1px solid #fca5a5; }
.verdict small { display: block; font-weight: 500; font-size: 12px; letter-spacing: 0; }
.aborted { grid-column: 1 / -1; margin: 6px 0 0; padding: 8px 12px; border-radius: 6px; background: #fff7ed; border: 1px solid #fdba74; color: #9a3412; overflow-wrap: anywhere; }
section { margin-top: 22px; }
h2 { font-size: 16px; margin: 0 0 10px; }
.tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 22px; align-items: start; }
.tables section { margin-top: 0; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { background: #f1f5f9; font-weight: 600; font-size: 12px; color: #475569; text-transform: uppercase; letter-spacing: .03em; }
tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mark { width: 28px; text-align: center; font-weight: 700; }
tr.ok td.mark { color: var(--ok); }
tr.failed td.mark { color: var(--bad); }
tr.failed { background: var(--bg-bad); }
tr.sub td:nth-child(2) { padding-left: 26px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.metrics td:nth-child(2) { width: 270px; }
table.metrics td:nth-child(3) { width: 80px; white-space: nowrap; }
table.findings td:first-child { white-space: nowrap; overflow-wrap: normal; }
td.values { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.kv { display: inline-block; margin-right: 12px; white-space: nowrap; }
.kv .k { color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px 8px; margin: 0; }
.chart.wide { grid-column: 1 / -1; }
.chart h3 { margin: 0; font-size: 14px; }
.chart p.note { margin: 0 0 6px; color: var(--muted); font-size: 12px; }
.chart .canvas-box { position: relative; height: 280px; }
.chart.wide .canvas-box { height: 320px; }
.empty { color: var(--muted); margin: 0; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
@media (max-width: 900px) { .charts { grid-template-columns: 1fr; } header.run { grid-template-columns: 1fr; } .verdict { grid-column: 1; grid-row: auto; } }
@media print { body { background: #fff; } .chart, table, header.run { break-inside: avoid; } }
`;
