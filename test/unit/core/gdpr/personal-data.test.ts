import { questdbTables } from '../../../../core/contracts/questdb-tables';
import { erasureStatements } from '../../../../core/gdpr/customer-data-erasure';
import { customerRowsSql, personalData, type PersonalDataDeclaration } from '../../../../core/gdpr/personal-data';

const declarations = personalData as Record<string, PersonalDataDeclaration>;
const columnsOf = (ddl: string) => [...ddl.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);

describe('personalData: the personal-data class of every table', () => {
  it('declares every table of questdbTables, and no other', () => {
    expect(Object.keys(personalData).sort()).toEqual(Object.keys(questdbTables).sort());
    for (const [key, table] of Object.entries(questdbTables)) expect([key, declarations[key]!.table.name]).toEqual([key, table.name]);
  });

  it('names only columns its table has', () => {
    for (const d of Object.values(declarations)) {
      const columns = columnsOf(d.table.ddl);
      for (const c of [...(d.nullify ?? []), ...(d.pseudonymise ?? []), ...(d.carriedForward ?? [])]) expect([d.table.name, c, columns.includes(c)]).toEqual([d.table.name, c, true]);
    }
  });

  it('selects by customer every table with a customer_id column, and by meter and period every other table with meter_id', () => {
    for (const d of Object.values(declarations)) {
      const columns = columnsOf(d.table.ddl);
      if (columns.includes('customer_id')) expect([d.table.name, ['customer-invoices', 'customer-id', 'owners'].includes(String(d.rows))]).toEqual([d.table.name, true]);
      else if (columns.includes('meter_id')) expect([d.table.name, d.rows]).toEqual([d.table.name, expect.stringMatching(/^(meter-period|invoice-ids)$/)]);
    }
  });

  it('pseudonymises every customer_id column and clears free text of the rows it keeps', () => {
    for (const d of Object.values(declarations)) {
      if (columnsOf(d.table.ddl).includes('customer_id')) expect([d.table.name, d.pseudonymise?.includes('customer_id')]).toEqual([d.table.name, true]);
    }
    expect(personalData.meterOwners.nullify).toEqual(['note']);
    expect(personalData.meterRegistry.nullify).toEqual(['label']);
  });
});

describe('customerRowsSql', () => {
  const scope = {
    customerId: 'A',
    periods: [
      { meterId: 'm1', from: null, to: Date.parse('2017-06-16T00:00:00Z') },
      { meterId: 'm2', from: Date.parse('2018-01-01T00:00:00Z'), to: null },
    ],
    invoiceIds: ['m1/2017-06-01'],
  };

  it('selects a meter inside each of its periods, bounds as parameters', () => {
    const params: unknown[] = [];
    expect(customerRowsSql('meter-period', scope, params)).toBe('((meter_id = $1 AND ts < $2) OR (meter_id = $3 AND ts >= $4))');
    expect(params).toEqual(['m1', '2017-06-16T00:00:00.000Z', 'm2', '2018-01-01T00:00:00.000Z']);
  });

  it('matches audit arguments on the id as a JSON string, so a longer id does not match', () => {
    const params: unknown[] = [];
    expect(customerRowsSql('audit', scope, params)).toBe('(target = $2 OR strpos(args, $1) > 0 OR strpos(result, $1) > 0)');
    expect(params).toEqual(['"A"', 'A']);
  });

  it('selects nothing for a customer without meters or invoices', () => {
    const none = { customerId: 'A', periods: [], invoiceIds: [] };
    expect(customerRowsSql('meter-period', none, [])).toBe('false');
    expect(customerRowsSql('invoice-ids', none, [])).toBe('false');
  });
});

describe('erasureStatements', () => {
  const scope = { customerId: 'A', periods: [{ meterId: 'm1', from: null, to: 1000 }], invoiceIds: [] };

  it('anonymises measurements: nulls them and moves the rows to the meter id erased', () => {
    expect(erasureStatements(personalData.readings, scope, 'erased-p')).toEqual([
      ["UPDATE readings SET value = null, register = null, seq = null, received_at = null, meter_id = 'erased' WHERE ((meter_id = $1 AND ts < $2))", ['m1', '1970-01-01T00:00:01.000Z']],
    ]);
  });

  it('pseudonymises both owner columns and clears the note', () => {
    expect(erasureStatements(personalData.meterOwners, scope, 'erased-p')).toEqual([
      ['UPDATE meter_owners SET note = null WHERE (customer_id = $1 OR previous_customer_id = $1)', ['A']],
      ['UPDATE meter_owners SET customer_id = $1 WHERE customer_id = $2', ['erased-p', 'A']],
      ['UPDATE meter_owners SET previous_customer_id = $1 WHERE previous_customer_id = $2', ['erased-p', 'A']],
    ]);
  });

  it('changes nothing in the rows the law keeps as they are', () => {
    expect(erasureStatements(personalData.payments, scope, 'erased-p')).toEqual([]);
    expect(erasureStatements(personalData.invoiceLines, scope, 'erased-p')).toEqual([]);
  });
});
