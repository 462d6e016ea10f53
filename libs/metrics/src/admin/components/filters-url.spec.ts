// The dashboard's filters kept in the page's address (filters-url.ts), run by jest as plain TypeScript.
import { filtersFromSearch, searchOfFilters } from './filters-url';

const END = '2025-04-30';

describe('the dashboard filters in the address', () => {
  it('reads the defaults from an empty or wrong address', () => {
    const defaults = { preset: '30d', start: '2025-04-01', end: END, tenant: null, bucket: 'auto' };
    expect(filtersFromSearch('', END)).toEqual(defaults);
    expect(filtersFromSearch('?preset=5y&bucket=hourly&tenant=a%20b', END)).toEqual(defaults);
    // A custom range needs two real dates in order.
    expect(filtersFromSearch('?preset=custom&start=2025-05-01&end=2025-04-01', END)).toEqual(defaults);
    expect(filtersFromSearch('?preset=custom&start=yesterday', END)).toEqual(defaults);
  });

  it('keeps a preset by its name (it moves with the days) and a custom range by its dates', () => {
    expect(filtersFromSearch('?preset=12m&tenant=acme&bucket=weekly', END)).toEqual({
      preset: '12m',
      start: '2024-05-01',
      end: END,
      tenant: 'acme',
      bucket: 'weekly',
    });
    const custom = { preset: 'custom', start: '2023-01-01', end: '2025-12-31', tenant: null, bucket: 'daily' } as const;
    expect(searchOfFilters(custom)).toBe('?preset=custom&start=2023-01-01&end=2025-12-31&bucket=daily');
    expect(filtersFromSearch(searchOfFilters(custom), END)).toEqual(custom);
    expect(searchOfFilters(filtersFromSearch('', END))).toBe('');
    expect(searchOfFilters({ ...filtersFromSearch('?preset=7d', END), tenant: 'tenant-042' })).toBe(
      '?preset=7d&tenant=tenant-042',
    );
  });
});
