import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';

/**
 * Meter replacements declared through the API (replaceMeterRegister): a new register at the
 * same service point. A table with no topic: the API writes it, billing's registry sync reads
 * every row and declares each replacement to the meter's state (docs/billing.md).
 */
export const meterReplacementsTable = defineTable({
  name: 'meter_replacements',
  description: 'Registers replaced at a service point, declared through the API. Key: (ts = when the new register started, meter_id): one replacement per meter and instant; declaring it again with other values corrects it.',
  columns: {
    ts: 'TIMESTAMP',
    meter_id: 'SYMBOL CAPACITY 65536 CACHE',
    old_final_register: 'DOUBLE',
    new_initial_register: 'DOUBLE',
    register_unit: 'SYMBOL CAPACITY 32 CACHE',
    note: 'VARCHAR',
    declared_by: 'VARCHAR',
    declared_at: 'TIMESTAMP',
    // Last, so a table an earlier release created upgrades to the same column order.
    new_register_multiplier: 'DOUBLE',
  },
  timestamp: 'ts',
  partitionBy: 'MONTH',
  dedupKeys: ['ts', 'meter_id'],
  upgrades: {
    statements: ['ALTER TABLE meter_replacements ADD COLUMN IF NOT EXISTS new_register_multiplier DOUBLE'],
    upToDate: `SELECT 1 FROM table_columns('meter_replacements') WHERE "column" = 'new_register_multiplier'`,
  },
});

export interface MeterReplacementDeclaration {
  meterId: string;
  /** When the new register started, epoch ms. */
  at: number;
  /** The old register's last value; null when unknown (its tail is then not billed, and listed). */
  oldFinalRegister: number | null;
  newInitialRegister: number;
  /** Unit of both registers. */
  registerUnit: string;
  /** The new register's multiplier; null = the one in force goes on. */
  newRegisterMultiplier: number | null;
  note: string | null;
  declaredBy: string;
  /** Wall-clock epoch ms. */
  declaredAt: number;
}

export function meterReplacementToRow(r: MeterReplacementDeclaration): TableRow {
  return {
    table: meterReplacementsTable.name,
    ts: r.at,
    symbols: { meter_id: r.meterId, register_unit: r.registerUnit },
    values: { old_final_register: r.oldFinalRegister, new_initial_register: r.newInitialRegister, new_register_multiplier: r.newRegisterMultiplier, note: r.note, declared_by: r.declaredBy, declared_at: r.declaredAt },
    types: { declared_at: 'timestamp' },
  } satisfies TableRowOf<typeof meterReplacementsTable>;
}
