// The dashboard's filters in the page's address (?preset=…&start=…&end=…&tenant=…&bucket=…), so that a reload —
// the light/dark switch redraws AdminJS's chrome by reloading — or a shared link shows the same view.
import { defaultEnd, PRESETS, presetRange, type Preset } from './dates';
import type { Filters } from './filters-bar';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TENANT = /^[A-Za-z0-9_.-]{1,64}$/;
const BUCKETS: Filters['bucket'][] = ['auto', 'daily', 'weekly', 'monthly'];

/** The filters an address names; what it does not name (or names wrongly) is the default: last 30 days, auto. */
export function filtersFromSearch(search: string, end = defaultEnd()): Filters {
  const params = new URLSearchParams(search);
  const named = PRESETS.find((option) => option.value === params.get('preset'))?.value ?? '30d';
  const start = params.get('start') ?? '';
  const last = params.get('end') ?? '';
  const customRange = DATE.test(start) && DATE.test(last) && start <= last;
  // A custom range without valid dates is no range: the default one.
  const preset: Preset = named === 'custom' && !customRange ? '30d' : named;
  const range = preset === 'custom' ? { start, end: last } : presetRange(preset, end);
  const tenant = params.get('tenant');
  const bucket = params.get('bucket') as Filters['bucket'] | null;
  return {
    preset,
    ...range,
    tenant: tenant && TENANT.test(tenant) ? tenant : null,
    bucket: bucket && BUCKETS.includes(bucket) ? bucket : 'auto',
  };
}

/**
 * The address's query for the filters: a preset is kept as its name (it moves with the days), a custom range as
 * its dates; the defaults are left out.
 */
export function searchOfFilters(filters: Filters): string {
  const params = new URLSearchParams();
  if (filters.preset !== '30d') params.set('preset', filters.preset);
  if (filters.preset === 'custom') {
    params.set('start', filters.start);
    params.set('end', filters.end);
  }
  if (filters.tenant) params.set('tenant', filters.tenant);
  if (filters.bucket !== 'auto') params.set('bucket', filters.bucket);
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** Writes the filters into the address without a navigation (AdminJS's router is not told: nothing re-renders). */
export function keepFiltersInAddress(filters: Filters): void {
  const search = searchOfFilters(filters);
  if (window.location.search === search) return;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
}
