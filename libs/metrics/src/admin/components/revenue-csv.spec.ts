import { lineOf, parseRevenueCsv } from './revenue-csv';

describe('revenue CSV upload', () => {
  it('reads entries with their line numbers, leaving empty optional cells out', () => {
    const parsed = parseRevenueCsv(
      'customer,tenant,mrr,effective_date,note\nacme,t1,1000,2026-03-01,\n\n"Initech, Inc",,400,2026-03-05,"said ""yes"""\n',
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries).toEqual([
      { customer: 'acme', tenant: 't1', mrr: '1000', effective_date: '2026-03-01' },
      { customer: 'Initech, Inc', mrr: '400', effective_date: '2026-03-05', note: 'said "yes"' },
    ]);
    expect([lineOf(parsed, 0), lineOf(parsed, 1)]).toEqual([2, 4]);
  });

  it('names unknown columns and broken lines', () => {
    expect(parseRevenueCsv('customer,price\nacme,10\n').errors).toEqual([
      {
        line: 1,
        field: 'price',
        message: 'is not a column (use customer, tenant, mrr, currency, effective_date, note)',
      },
    ]);
    const broken = parseRevenueCsv('customer,mrr,effective_date\nacme,10,2026-03-01\n"open,10,2026-03-02\n');
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0].field).toBe('file');
    expect(parseRevenueCsv('customer,mrr\n').errors).toEqual([{ line: 1, field: 'file', message: 'has no entries' }]);
  });
});
