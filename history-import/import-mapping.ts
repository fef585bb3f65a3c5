import { defaultUnits, isMeterKind, meterKinds, type MeterKind } from '../core/contracts';
import { MeterflowError } from '../core/errors';
import { checkTimeZone } from '../core/time/local-time';
import { unitFactor } from '../core/units/units';
import { compileTimestampFormat, type TimestampReader } from './timestamp-format';

/** A column named by its header text, or by its 1-based position ("#3") in a file without a header. */
export type ColumnRef = string;

/**
 * How one file's rows become readings. Exactly what docs/import.md documents; checked once by
 * resolveImportMapping, whose errors name the field.
 */
export interface ImportMapping {
  /** Field separator: one character. */
  delimiter: string;
  /** The first line names the columns. */
  header: boolean;
  meterId: ColumnRef;
  timestamp: ColumnRef;
  /** iso | epoch-ms | epoch-s | a pattern of yyyy mm dd HH MM SS (e.g. "dd/mm/yyyy HH:MM:SS"). */
  timestampFormat: string;
  /** IANA zone a local timestamp (no offset in the text) is read in. */
  timeZone: string;
  kind: MeterKind;
  /** Cumulative register column. */
  register?: ColumnRef;
  /** Unit the file's register is in; converted to the kind's register unit. */
  registerUnit?: string;
  /** Instantaneous value column (flow, power, temperature), in the kind's value unit. */
  value?: ColumnRef;
  /**
   * A column holding the quantity used in an interval that starts at the row's timestamp
   * (London LCL: kWh per half hour). The import turns it into a register that starts at 0
   * at the meter's first interval in the import, and an average rate.
   */
  interval?: ColumnRef;
  /** Unit of the interval quantity; converted to the kind's register unit. */
  intervalUnit?: string;
  /** Length of one interval, minutes. */
  intervalMinutes?: number;
  /** Sector column (optional). */
  sector?: ColumnRef;
  /** Prepended to every meter id of the file (ids must stay within 64 characters of [A-Za-z0-9._:-]). */
  meterIdPrefix: string;
}

/** Mappings for the public data sets in ../shared/datasets, by name (docs/import.md). */
export const importPresets: Readonly<Record<string, ImportMapping>> = Object.freeze({
  /** DAIAD smart water meters, Alicante: `user key;datetime;meter reading;diff`, local Madrid time, register in litres. */
  daiad: {
    delimiter: ';',
    header: true,
    meterId: '#1',
    timestamp: '#2',
    timestampFormat: 'dd/mm/yyyy HH:MM:SS',
    timeZone: 'Europe/Madrid',
    kind: 'water',
    register: '#3',
    registerUnit: 'L',
    meterIdPrefix: '',
  },
  /** Low Carbon London half-hourly electricity: `LCLid,stdorToU,DateTime,KWH/hh (per half hour) ,…`, GMT, kWh per half hour. */
  lcl: {
    delimiter: ',',
    header: true,
    meterId: 'LCLid',
    timestamp: 'DateTime',
    timestampFormat: 'dd/mm/yyyy HH:MM:SS',
    timeZone: 'UTC',
    kind: 'electricity',
    interval: '#4',
    intervalUnit: 'kWh',
    intervalMinutes: 30,
    meterIdPrefix: '',
  },
});

/** A mapping checked against the kinds, units and zones meterflow knows, with its timestamp reader compiled. */
export interface ResolvedMapping extends ImportMapping {
  readTimestamp: TimestampReader;
  /** File register unit → the kind's register unit. */
  registerFactor: number;
  /** File interval unit → the kind's register unit. */
  intervalFactor: number;
  /** Milliseconds of one unit of time in the kind's value unit (kW: per hour; L/min: per minute), or null when it is no rate. */
  rateMs: number | null;
}

const invalid = (field: string, message: string) => new MeterflowError('IMPORT_MAPPING_INVALID', `${field}: ${message}`);

const mappingFields = new Set(['delimiter', 'header', 'meterId', 'timestamp', 'timestampFormat', 'timeZone', 'kind', 'register', 'registerUnit', 'value', 'interval', 'intervalUnit', 'intervalMinutes', 'sector', 'meterIdPrefix']);

/** Per-time rate units a value can be in, so an interval quantity becomes an average rate. */
const rateUnitMs: Readonly<Record<string, number>> = { kW: 3_600_000, 'L/min': 60_000, 'm3/h': 3_600_000 };

/**
 * The mapping a run uses: the preset (if any), then the mapping file's fields, then the flags,
 * each overriding the one before; then every field checked. Unknown fields are refused (a typo
 * must not silently leave the default in place).
 */
export function resolveImportMapping(layers: { preset?: string; file?: Record<string, unknown>; flags?: Partial<Record<keyof ImportMapping, unknown>> }): ResolvedMapping {
  let base: Partial<ImportMapping> = { delimiter: ',', header: true, timestampFormat: 'iso', timeZone: 'UTC', meterIdPrefix: '' };
  if (layers.preset !== undefined) {
    const preset = importPresets[layers.preset];
    if (!preset) throw invalid('--preset', `unknown preset "${layers.preset}"; known: ${Object.keys(importPresets).join(', ')}`);
    base = { ...preset };
  }
  for (const [source, layer] of [['mapping file', layers.file], ['flags', layers.flags]] as const) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue;
      if (!mappingFields.has(key)) throw invalid(key, `unknown field in the ${source}; known: ${[...mappingFields].join(', ')}`);
      (base as Record<string, unknown>)[key] = value;
    }
  }
  return checkMapping(base);
}

function checkMapping(m: Partial<ImportMapping>): ResolvedMapping {
  const text = (field: keyof ImportMapping, required: boolean): string | undefined => {
    const v = m[field];
    if (v === undefined || v === '') {
      if (required) throw invalid(field, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') throw invalid(field, `must be a string; got ${JSON.stringify(v)}`);
    return v;
  };
  const delimiter = text('delimiter', true)!;
  if (delimiter.length !== 1 || delimiter === '"') throw invalid('delimiter', `must be one character other than a quote; got ${JSON.stringify(delimiter)}`);
  if (typeof m.header !== 'boolean') throw invalid('header', 'must be true or false');
  const kind = m.kind;
  if (!isMeterKind(kind)) throw invalid('kind', `must be one of ${meterKinds.join(', ')}; got ${JSON.stringify(kind)}`);
  const units = defaultUnits[kind];
  const timeZone = text('timeZone', true)!;
  try {
    checkTimeZone(timeZone);
  } catch {
    throw invalid('timeZone', `unknown IANA time zone "${timeZone}"`);
  }
  const timestampFormat = text('timestampFormat', true)!;
  const readTimestamp = compileTimestampFormat(timestampFormat, timeZone);
  if (!readTimestamp) throw invalid('timestampFormat', `must be iso, epoch-ms, epoch-s or a pattern of yyyy, mm, dd, HH, MM, SS; got "${timestampFormat}"`);
  const register = text('register', false);
  const value = text('value', false);
  const interval = text('interval', false);
  if (!register && !value && !interval) throw invalid('register', 'name a register, value or interval column (at least one)');
  if (interval && register) throw invalid('interval', 'a file gives either a register or interval quantities, not both');
  if ((register || interval) && units.register === null) throw invalid('kind', `a ${kind} meter has no register; map only "value"`);
  const unitCheck = (field: 'registerUnit' | 'intervalUnit', given: string | undefined): number => {
    if (given === undefined || units.register === null) return 1;
    const factor = unitFactor(given, units.register);
    if (factor === null) throw invalid(field, `"${given}" does not convert to ${units.register} (the ${kind} register unit)`);
    return factor;
  };
  const registerFactor = unitCheck('registerUnit', text('registerUnit', false));
  const intervalFactor = unitCheck('intervalUnit', text('intervalUnit', false));
  if (interval && !(typeof m.intervalMinutes === 'number' && Number.isInteger(m.intervalMinutes) && m.intervalMinutes >= 1 && m.intervalMinutes <= 1440)) {
    throw invalid('intervalMinutes', `must be a whole number of minutes from 1 to 1440 with an interval column; got ${JSON.stringify(m.intervalMinutes)}`);
  }
  const meterIdPrefix = m.meterIdPrefix ?? '';
  if (typeof meterIdPrefix !== 'string' || !/^[A-Za-z0-9._:-]{0,32}$/.test(meterIdPrefix)) throw invalid('meterIdPrefix', 'must be at most 32 characters of [A-Za-z0-9._:-]');
  return {
    delimiter,
    header: m.header,
    meterId: text('meterId', true)!,
    timestamp: text('timestamp', true)!,
    timestampFormat,
    timeZone,
    kind,
    ...(register ? { register, registerUnit: text('registerUnit', false) } : {}),
    ...(value ? { value } : {}),
    ...(interval ? { interval, intervalUnit: text('intervalUnit', false), intervalMinutes: m.intervalMinutes } : {}),
    ...(text('sector', false) ? { sector: text('sector', false) } : {}),
    meterIdPrefix,
    readTimestamp,
    registerFactor,
    intervalFactor,
    rateMs: rateUnitMs[units.value] ?? null,
  };
}
