import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FlagSpec } from '../cli-args';
import { runCliMain, type CliCommand, type CommandArgs, type CommandHelp } from '../cli-command';
import { describeError, MeterflowError } from '../errors';
import { parseBillingOptions } from './billing-options';
import { lclScheduleToCalendar } from './lcl-schedule';
import { lclBillingConfig, lclDtouRates, lclDtouTariff, lclStdRate, lclStdTariff } from './lcl-tariffs';

const flags: FlagSpec[] = [
  { name: 'id', kind: 'string', default: 'lcl-dtou', description: 'id of the dToU tariff' },
  { name: 'std-id', kind: 'string', default: 'lcl-std', description: 'id of the flat Std tariff' },
  { name: 'meters', kind: 'string', description: 'comma-separated meter ids to put on dToU (every other meter on Std); without it every meter is on dToU' },
  { name: 'rates', kind: 'string', default: Object.entries(lclDtouRates).map(([b, r]) => `${b}=${r}`).join(','), description: 'dToU price per band, GBP per kWh' },
  { name: 'std-rate', kind: 'string', default: String(lclStdRate), description: 'Std price, GBP per kWh' },
  { name: 'default-band', kind: 'string', default: 'Normal', description: 'band of instants outside the schedule (and of half hours it skips)' },
  { name: 'tariff-only', kind: 'bool', description: 'print only the dToU tariff (to add to an existing config) instead of a whole billing config' },
  { name: 'out', kind: 'string', description: 'write the JSON to this file instead of stdout' },
];

const help: CommandHelp = {
  summary: 'Convert the Low Carbon London time-of-use schedule into a dated tariff and a billing configuration.',
  usage: '[flags] <dToU_schedule.csv>',
  description: `
Converts the Low Carbon London dynamic time-of-use schedule (TariffDateTime,Tariff: one band per
half hour, GMT) into a dated time-of-use tariff (only the instants where the band changes) at the
trial's published prices, and prints a billing configuration for MF_BILLING_CONFIG_FILE with it and
the flat Std tariff. The configuration is validated before it is written. See docs/billing.md,
"Dated time-of-use tariffs".`,
  flags,
  environment: 'none: everything is a flag (the output is for MF_BILLING_CONFIG_FILE).',
  examples: [
    'meterflow tariff lcl --meters MAC003718 --out lcl-billing.json ../shared/datasets/lcl/dToU_schedule_2013.csv',
    'meterflow tariff lcl --tariff-only ../shared/datasets/lcl/dToU_schedule_2013.csv',
  ],
  exitStatus: '0 written; 1 the schedule or the tariff is invalid (the message names the line or field); 2 bad usage.',
};

function parseRate(flag: string, text: string): number {
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0) throw new MeterflowError('CONFIG_INVALID', `--${flag}: "${text}" is not a price (a number ≥ 0, GBP per kWh)`);
  return rate;
}

function parseRates(text: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const pair of text.split(',')) {
    const [band, value, extra] = pair.split('=');
    if (!band?.trim() || value === undefined || extra !== undefined) throw new MeterflowError('CONFIG_INVALID', `--rates: "${pair}" is not band=price (e.g. High=0.672)`);
    rates[band.trim()] = parseRate('rates', value);
  }
  return rates;
}

function main({ flags: parsed, positionals: files }: CommandArgs): number {
  let rates: Record<string, number>;
  let stdRate: number;
  try {
    if (files.length !== 1) throw new MeterflowError('CONFIG_INVALID', `name exactly one schedule file (see --help); got ${files.length}`);
    rates = parseRates(parsed.rates as string);
    stdRate = parseRate('std-rate', parsed['std-rate'] as string);
  } catch (error) {
    process.stderr.write(`tariff:lcl: ${describeError(error)}\n`);
    return 2;
  }
  try {
    const file = files[0]!;
    const schedule = lclScheduleToCalendar(readFileSync(file, 'utf8'), { defaultBand: parsed['default-band'] as string, source: basename(file) });
    const dtou = lclDtouTariff(schedule, { id: parsed.id as string, rates });
    const std = lclStdTariff({ id: parsed['std-id'] as string, rate: stdRate });
    const meters = typeof parsed.meters === 'string' ? parsed.meters.split(',').map((m) => m.trim()).filter(Boolean) : [];
    const config = lclBillingConfig(dtou, std, meters);
    // Validated as the processors will validate it, so a bad price or band fails here, naming the field.
    parseBillingOptions(config);
    const json = `${JSON.stringify(parsed['tariff-only'] ? dtou : config, null, 2)}\n`;
    if (typeof parsed.out === 'string') writeFileSync(parsed.out, json);
    else process.stdout.write(json);
    const bands = Object.entries(schedule.halfHours).map(([b, n]) => `${b} ${n}`).join(', ');
    process.stderr.write(`${basename(file)}: ${schedule.calendar.length} band changes from ${schedule.calendar[0]!.from} to ${schedule.calendarEnd}; half hours: ${bands}; missing: ${schedule.missingHalfHours}${typeof parsed.out === 'string' ? `; written to ${parsed.out}` : ''}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`tariff:lcl: ${describeError(error)}\n`);
    return 1;
  }
}

export const command: CliCommand = { help, positionals: true, run: main };

if (require.main === module) runCliMain('tariff lcl', command);
