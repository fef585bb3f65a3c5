import { questdbTables } from '../contracts/questdb-tables';
import type { ColumnOf, DefinedTable } from '../questdb/table-spec';
import type { OwnershipPeriod } from './ownership-periods';

/**
 * How a table's rows belong to a customer:
 * - `meter-period`: rows of the meters they owned, inside their ownership periods;
 * - `customer-invoices`: rows naming them (customer_id), and rows of their periods with no customer (written before invoices named one);
 * - `invoice-ids`: rows of their invoices;
 * - `customer-id`: rows naming them in customer_id;
 * - `owners`: owner changes naming them as new or previous owner;
 * - `audit`: audit entries whose target is their id or whose arguments or result name it;
 * - `state`: processor checkpoints whose JSON names them (billing keeps each meter's owners);
 * - null: no row is about one customer.
 */
export type CustomerRows = 'meter-period' | 'customer-invoices' | 'invoice-ids' | 'customer-id' | 'owners' | 'audit' | 'state' | null;

/**
 * What erasure does to a customer's rows of a table:
 * - `anonymise`: measurements and free text set to NULL and the rows moved to the meter id
 *   `erased`, so no meter's history shows them again;
 * - `pseudonymise`: kept (the law, or the books, need them), the customer id replaced by the
 *   keyed pseudonym and free text that may name a person set to NULL;
 * - `keep`: kept as they are (nothing in them names the customer once the owner history is pseudonymised);
 * - `none`: not personal data.
 */
export type ErasureAction = 'anonymise' | 'pseudonymise' | 'keep' | 'none';

export interface PersonalDataDeclaration<Column extends string = string> {
  table: DefinedTable<string, Column>;
  rows: CustomerRows;
  erasure: ErasureAction;
  /** Erasure: columns set to NULL on the customer's rows. */
  nullify?: readonly Column[];
  /** Erasure: columns holding the customer id, set to the pseudonym where they name them. */
  pseudonymise?: readonly Column[];
  /**
   * Erasure: free text a later row of the same meter copies forward (a new owner's registry row
   * keeps the meter's label): cleared in those rows too where it holds the customer's value.
   */
  carriedForward?: readonly Column[];
  /** Why, for operators (docs/gdpr.md repeats it). */
  why: string;
}

// Ties each declaration's column names to its own table, so a renamed column fails to compile.
const declare = <T extends DefinedTable>(table: T, d: Omit<PersonalDataDeclaration<ColumnOf<T>>, 'table'>): PersonalDataDeclaration => ({ table, ...d }) as PersonalDataDeclaration;

const t = questdbTables;

/**
 * The personal-data class of every QuestDB table, keyed as questdbTables is: a new table does
 * not compile until it is declared here (and a unit test checks the two lists match). Export
 * writes the rows each declaration selects; erasure applies its action to them
 * (docs/gdpr.md).
 */
export const personalData = {
  readings: declare(t.readings, { rows: 'meter-period', erasure: 'anonymise', nullify: ['value', 'register', 'seq', 'received_at'], why: 'their consumption, reading by reading' }),
  edgeStats: declare(t.edgeStats, { rows: 'meter-period', erasure: 'anonymise', nullify: ['count', 'min', 'max', 'mean', 'received_at'], why: 'interval statistics of their meters' }),
  rollingAverages: declare(t.rollingAverages, { rows: 'meter-period', erasure: 'anonymise', nullify: ['count', 'sum', 'mean', 'min', 'max'], why: 'their consumption averaged per window' }),
  lateReadings: declare(t.lateReadings, { rows: 'meter-period', erasure: 'anonymise', nullify: ['detail'], why: 'late readings of their meters (kept 30 days anyway)' }),
  alerts: declare(t.alerts, { rows: 'meter-period', erasure: 'anonymise', nullify: ['estimated_loss_l', 'evidence'], why: 'leaks and alerts of their meters, with the readings as evidence' }),
  commands: declare(t.commands, { rows: 'meter-period', erasure: 'anonymise', nullify: ['note', 'params'], why: 'commands sent to their meters (block, unblock), with a free-text note' }),
  commandEvents: declare(t.commandEvents, { rows: 'meter-period', erasure: 'anonymise', nullify: ['reason'], why: 'what their meters answered to commands' }),
  meterReplacements: declare(t.meterReplacements, {
    rows: 'meter-period',
    erasure: 'keep',
    nullify: ['note'],
    why: 'register swaps at their service point: billing of later owners needs them; the free-text note is cleared',
  }),
  invoices: declare(t.invoices, { rows: 'customer-invoices', erasure: 'pseudonymise', pseudonymise: ['customer_id'], why: 'their bills: kept by law, the customer id pseudonymised' }),
  invoiceLines: declare(t.invoiceLines, { rows: 'invoice-ids', erasure: 'keep', why: 'lines of their bills: kept by law, they name no customer' }),
  payments: declare(t.payments, { rows: 'invoice-ids', erasure: 'keep', why: 'payments of their bills: kept by law, they name no customer (the bill does, pseudonymised)' }),
  paymentIntents: declare(t.paymentIntents, { rows: 'customer-id', erasure: 'pseudonymise', pseudonymise: ['customer_id'], why: 'payments they started: kept with the payments, the customer id pseudonymised' }),
  meterRegistry: declare(t.meterRegistry, {
    rows: 'customer-id',
    erasure: 'pseudonymise',
    nullify: ['label'],
    pseudonymise: ['customer_id'],
    carriedForward: ['label'],
    why: 'registry entries naming them: the customer id pseudonymised (billing still knows whose days were whose), the label (may hold a name or an address) cleared, also where a later owner\'s row carried it forward',
  }),
  meterOwners: declare(t.meterOwners, {
    rows: 'owners',
    erasure: 'pseudonymise',
    nullify: ['note'],
    pseudonymise: ['customer_id', 'previous_customer_id'],
    why: 'their moves in and out: pseudonymised, the free-text note cleared',
  }),
  auditLog: declare(t.auditLog, {
    rows: 'audit',
    erasure: 'pseudonymise',
    pseudonymise: ['target', 'args', 'result'],
    why: 'API actions about them (the security record): their id replaced by the pseudonym wherever it appears',
  }),
  rollups: declare(t.rollups, { rows: null, erasure: 'none', why: 'sector and fleet aggregates: no meter or customer in them' }),
  deadLetters: declare(t.deadLetters, { rows: null, erasure: 'none', why: 'refused device messages, no customer field; kept 30 days (TTL), not exported' }),
  processorState: declare(t.processorState, {
    rows: 'state',
    erasure: 'pseudonymise',
    pseudonymise: ['state'],
    why: 'processor checkpoints: billing keeps each meter\'s owners in its state; their id pseudonymised (a running processor rewrites it from the registry it re-reads)',
  }),
  tariffVersions: declare(t.tariffVersions, { rows: null, erasure: 'none', why: 'tariffs: no customer in them' }),
  serviceMetrics: declare(t.serviceMetrics, { rows: null, erasure: 'none', why: 'the services\' own metrics' }),
} as const satisfies Record<keyof typeof questdbTables, PersonalDataDeclaration>;

/** Whose data, and where: what export and erasure select by. */
export interface CustomerScope {
  customerId: string;
  /** The periods they owned each meter (ownership-periods.ts). */
  periods: readonly OwnershipPeriod[];
  /** Their invoices (the invoices declaration's rows), for the tables keyed by invoice. */
  invoiceIds: readonly string[];
}

/** The WHERE condition selecting the customer's rows of a declaration (parameters pushed onto `params`); `false` when none. */
export function customerRowsSql(rows: Exclude<CustomerRows, null>, scope: CustomerScope, params: unknown[]): string {
  const p = (value: unknown) => `$${params.push(value)}`;
  switch (rows) {
    case 'meter-period':
      return periodsSql(scope.periods, p);
    case 'customer-invoices': {
      const c = p(scope.customerId);
      return `(customer_id = ${c} OR (customer_id IS NULL AND ${periodsSql(scope.periods, p)}))`;
    }
    case 'invoice-ids':
      return scope.invoiceIds.length === 0 ? 'false' : `invoice_id IN (${scope.invoiceIds.map(p).join(', ')})`;
    case 'customer-id':
      return `customer_id = ${p(scope.customerId)}`;
    case 'owners': {
      const c = p(scope.customerId);
      return `(customer_id = ${c} OR previous_customer_id = ${c})`;
    }
    case 'audit': {
      // Arguments and results are JSON: the id as a JSON string, so another id it is a prefix of does not match.
      const quoted = p(JSON.stringify(scope.customerId));
      return `(target = ${p(scope.customerId)} OR strpos(args, ${quoted}) > 0 OR strpos(result, ${quoted}) > 0)`;
    }
    case 'state':
      return `strpos(state, ${p(JSON.stringify(scope.customerId))}) > 0`;
  }
}

function periodsSql(periods: readonly OwnershipPeriod[], p: (value: unknown) => string): string {
  if (periods.length === 0) return 'false';
  const parts = periods.map((period) => {
    const bounds = [`meter_id = ${p(period.meterId)}`];
    if (period.from !== null) bounds.push(`ts >= ${p(new Date(period.from).toISOString())}`);
    if (period.to !== null) bounds.push(`ts < ${p(new Date(period.to).toISOString())}`);
    return `(${bounds.join(' AND ')})`;
  });
  return `(${parts.join(' OR ')})`;
}
