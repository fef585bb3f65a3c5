import { defaultUnits, meterKinds, type MeterKind } from '../../../core/contracts';
import { writeTableRow } from '../../../core/questdb/write-table-row';
import { tariffVersionToRow, type TariffVersionRecord } from '../../../core/streams/tariff-versions';
import { formatPath } from '../../../core/tariffs/billing-errors';
import { kindsPricedBy, pricesKind } from '../../../core/tariffs/priced-kinds';
import { tariffSchema, type Tariff } from '../../../core/tariffs/tariff';
import { latestVersion, versionProblem, type TariffCatalog, type TariffEntry } from '../../../core/tariffs/tariff-catalog';
import { isLocalDate } from '../../../core/time/local-days';
import type { GraphqlContext } from '../../context';
import { badInput, conflict, notFound } from '../../errors';
import { validateId } from '../arguments';
import { validateNote } from '../register-arguments';
import { jsonObjectScalar } from '../scalars';

/** Longest tariff definition, as JSON: inside a QuestDB row's string bound (1,000,000) with room to spare. */
export const maxDefinitionChars = 900_000;
/** Registry meters named in a refusal to retire a tariff still assigned. */
const listedMeters = 10;

interface TariffView {
  id: string;
  name: string | null;
  currency: string;
  unit: string;
  meterKinds: MeterKind[];
  source: 'CONFIGURED' | 'API';
  versions: { version: number; effectiveFrom: string; publishedAt: Date | null; publishedBy: string | null; note: string | null; definition: Tariff }[];
  retiredFrom: string | null;
  replacedBy: string | null;
}

function view(entry: TariffEntry): TariffView {
  const latest = latestVersion(entry).tariff;
  return {
    id: entry.id,
    name: latest.name ?? null,
    currency: latest.currency,
    unit: latest.unit,
    meterKinds: kindsPricedBy(latest),
    source: entry.source === 'configured' ? 'CONFIGURED' : 'API',
    versions: entry.versions.map((v) => ({ version: v.version, effectiveFrom: v.effectiveFrom, publishedAt: v.publishedAt === null ? null : new Date(v.publishedAt), publishedBy: v.publishedBy, note: v.note, definition: v.tariff })),
    retiredFrom: entry.retirement?.from ?? null,
    replacedBy: entry.retirement?.replacedBy ?? null,
  };
}

/** A local date a tariff change can take effect on. */
function validateDate(field: string, date: string): void {
  if (!isLocalDate(date) || date < '1970-01-01' || date > '2999-12-31') throw badInput(field, `"${date.slice(0, 40)}" must be a YYYY-MM-DD calendar date between 1970 and 2999`);
}

/** The tariff argument validated by the same schema as the configuration; the error names the first bad field. */
function parseDefinition(input: Record<string, unknown>): Tariff {
  if (JSON.stringify(input).length > maxDefinitionChars) throw badInput('tariff', `is longer than ${maxDefinitionChars} characters as JSON`);
  const result = tariffSchema.safeParse(input);
  if (!result.success) {
    const [first, ...rest] = result.error.issues;
    throw badInput(formatPath('tariff', first!.path), [first!.message, ...rest.map((i) => `${formatPath('tariff', i.path)}: ${i.message}`)].join('; '));
  }
  if (kindsPricedBy(result.data).length === 0) throw badInput('tariff.unit', `"${result.data.unit}" prices no meter kind (units: ${meterKinds.map((k) => defaultUnits[k].register).filter(Boolean).join(', ')} and their multiples)`);
  return result.data;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);


async function save(context: GraphqlContext, catalog: TariffCatalog, record: Omit<TariffVersionRecord, 'publishedAt' | 'publishedBy'>): Promise<void> {
  // Strictly after every row: the catalog's revision moves, and the key (ts, tariff_id) is new.
  const full: TariffVersionRecord = { ...record, publishedAt: Math.max(Date.now(), catalog.revision + 1), publishedBy: context.principal.subject };
  await context.mutations.write((w) => writeTableRow(w, tariffVersionToRow(full)));
  context.tariffs.remember(full);
}

async function viewOf(context: GraphqlContext, id: string): Promise<TariffView> {
  const entry = (await context.tariffs.get()).entries.get(id);
  if (!entry) throw notFound('tariffId', `no tariff ${JSON.stringify(id)}`);
  return view(entry);
}

/** Audit, idempotency and admin check of a tariff mutation, one at a time per tariff in this server. */
function tariffMutation(operation: string, tariffId: string, args: Record<string, unknown> & { idempotencyKey?: string | null }, context: GraphqlContext, execute: () => Promise<TariffView>): Promise<TariffView> {
  return context.mutations.run(
    context,
    {
      operation,
      target: tariffId,
      args,
      idempotencyKey: args.idempotencyKey ?? null,
      toRecord: (t: TariffView) => ({ tariffId: t.id }),
      fromRecord: (record) => viewOf(context, (record as { tariffId: string }).tariffId),
    },
    () => context.mutations.exclusive(`tariff:${tariffId}`, execute),
  );
}

/** Registry meters whose current record assigns the tariff, and what of the configuration does. */
async function assignedTo(context: GraphqlContext, tariffId: string): Promise<string[]> {
  const { rows } = await context.questdb.query<{ meter_id: string }>(
    `SELECT meter_id FROM (SELECT meter_id, tariff_id FROM meter_registry LATEST ON ts PARTITION BY meter_id) WHERE tariff_id = $1 LIMIT ${listedMeters}`,
    [tariffId],
  );
  const users = rows.map((r) => `meter ${r.meter_id}`);
  const a = context.tariffAssignment;
  const names = (schedule: { tariffId: string }[]) => schedule.some((e) => e.tariffId === tariffId);
  if (a.default === tariffId) users.push('the configuration\'s default');
  for (const [sector, schedule] of Object.entries(a.sectors)) if (names(schedule)) users.push(`the configuration's sector ${sector}`);
  for (const [meter, schedule] of Object.entries(a.meters)) if (names(schedule)) users.push(`the configuration's meter ${meter}`);
  return users;
}

interface PublishArgs {
  tariff: Record<string, unknown>;
  effectiveFrom: string;
  note?: string | null;
  idempotencyKey?: string | null;
}

interface RetireArgs {
  tariffId: string;
  from: string;
  replacedBy?: string | null;
  note?: string | null;
  idempotencyKey?: string | null;
}

export const tariffsResolvers = {
  JSONObject: jsonObjectScalar,
  Query: {
    tariffs: async (_: unknown, __: unknown, context: GraphqlContext) => [...(await context.tariffs.get()).entries.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(view),
    tariff: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
      validateId('id', args.id);
      const entry = (await context.tariffs.get()).entries.get(args.id);
      return entry ? view(entry) : null;
    },
  },
  Mutation: {
    publishTariff: (_: unknown, args: PublishArgs, context: GraphqlContext) => {
      const id = typeof args.tariff.id === 'string' && args.tariff.id !== '' ? args.tariff.id.slice(0, 64) : '(no id)';
      // The audit keeps what identifies the version, not a definition of up to 900,000 characters.
      const audited = { tariffId: id, effectiveFrom: args.effectiveFrom, note: args.note ?? null, definitionChars: JSON.stringify(args.tariff).length, idempotencyKey: args.idempotencyKey ?? null };
      return tariffMutation('publishTariff', id, audited, context, async () => {
        const tariff = parseDefinition(args.tariff);
        validateDate('effectiveFrom', args.effectiveFrom);
        validateNote(args.note);
        // Uncached: another API server may have published within the cache time.
        const catalog = await context.tariffs.fresh();
        const entry = catalog.entries.get(tariff.id);
        if (entry?.retirement) throw conflict('tariff.id', `tariff ${tariff.id} is retired from ${entry.retirement.from}; publish a new id`);
        if (entry) {
          const latest = latestVersion(entry);
          const problem = versionProblem(latest.tariff, tariff);
          if (problem !== null) throw badInput(tariff.currency !== latest.tariff.currency ? 'tariff.currency' : 'tariff.unit', problem);
          // The same version again (a retry without a key): nothing new.
          if (latest.effectiveFrom === args.effectiveFrom && sameJson(latest.tariff, tariff)) return view(entry);
        }
        await save(context, catalog, { tariffId: tariff.id, action: 'publish', effectiveFrom: args.effectiveFrom, definition: JSON.stringify(tariff), replacedBy: null, note: args.note ?? null });
        return viewOf(context, tariff.id);
      });
    },
    retireTariff: (_: unknown, args: RetireArgs, context: GraphqlContext) =>
      tariffMutation('retireTariff', args.tariffId, { ...args }, context, async () => {
        validateId('tariffId', args.tariffId);
        validateDate('from', args.from);
        if (args.replacedBy != null) validateId('replacedBy', args.replacedBy);
        validateNote(args.note);
        // Uncached: another API server may have published within the cache time.
        const catalog = await context.tariffs.fresh();
        const entry = catalog.entries.get(args.tariffId);
        if (!entry) throw notFound('tariffId', `no tariff ${JSON.stringify(args.tariffId)}`);
        if (entry.retirement) throw conflict('tariffId', `tariff ${args.tariffId} is already retired from ${entry.retirement.from}`);
        if (args.replacedBy != null) {
          const successor = catalog.entries.get(args.replacedBy);
          if (!successor) throw notFound('replacedBy', `no tariff ${JSON.stringify(args.replacedBy)}`);
          if (successor.id === entry.id) throw badInput('replacedBy', 'a tariff cannot replace itself');
          if (successor.retirement) throw conflict('replacedBy', `tariff ${successor.id} is retired from ${successor.retirement.from}`);
          const problem = versionProblem(latestVersion(entry).tariff, latestVersion(successor).tariff);
          if (problem !== null) throw badInput('replacedBy', problem);
        } else {
          const users = await assignedTo(context, args.tariffId);
          if (users.length > 0) throw conflict('replacedBy', `tariff ${args.tariffId} is still assigned (${users.join(', ')}${users.length >= listedMeters ? ', …' : ''}): name the tariff that replaces it`);
        }
        await save(context, catalog, { tariffId: args.tariffId, action: 'retire', effectiveFrom: args.from, definition: null, replacedBy: args.replacedBy ?? null, note: args.note ?? null });
        return viewOf(context, args.tariffId);
      }),
  },
};

/**
 * A tariff a meter of `kind` may be assigned (assignTariff, registerMeter, updateMeter): known,
 * not retired, and pricing the kind's register unit.
 */
export async function validateAssignableTariff(context: GraphqlContext, field: string, tariffId: string, kind: MeterKind): Promise<void> {
  const catalog = await context.tariffs.get();
  const entry = catalog.entries.get(tariffId);
  if (!entry) throw notFound(field, `no tariff ${JSON.stringify(tariffId)} (known: ${[...catalog.entries.keys()].join(', ')})`);
  if (entry.retirement) throw conflict(field, `tariff ${tariffId} is retired from ${entry.retirement.from}${entry.retirement.replacedBy ? `; its meters go to ${entry.retirement.replacedBy}` : ''}`);
  const tariff = latestVersion(entry).tariff;
  if (!pricesKind(tariff, kind)) throw badInput(field, `tariff ${tariffId} prices ${tariff.unit}; a ${kind} meter registers ${defaultUnits[kind].register || 'nothing'}`);
}
