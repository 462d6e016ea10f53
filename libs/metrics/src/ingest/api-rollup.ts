import { LATENCY_BUCKETS_MS } from '../catalog/metric-catalog.js';

/** One row of metrics_api_request_rollup: the requests of a tenant, minute and route, with a latency histogram. */
export interface ApiRollup {
  tenant_id: string | null;
  /** The start of the minute, ISO-8601 UTC. */
  minute: string;
  route: string;
  requests: number;
  client_errors: number;
  server_errors: number;
  latency_sum_ms: number;
  histogram: number[];
}

/** One request as the rollups count it. */
export interface ApiRequestSample {
  tenant: string | null;
  at: Date | number;
  route: string;
  status: number;
  durationMs: number;
}

/** The histogram slot of a duration: slot i (0-based) holds [bound[i-1], bound[i]); the last is open-ended. */
export function latencySlot(durationMs: number): number {
  let slot = 0;
  while (slot < LATENCY_BUCKETS_MS.length && durationMs >= LATENCY_BUCKETS_MS[slot]) slot += 1;
  return slot;
}

const MINUTE = 60_000;

/**
 * Requests added up per (tenant, minute, route) in memory. The per-status-class counts and the histogram are
 * columns of the row, so a key never needs the status: this is exactly the shape of the rollup table, and two
 * accumulators (or an accumulator and the table) merge by adding.
 */
export class ApiRollupAccumulator {
  /** minute (epoch ms) → tenant → route → row: numbers and already-hashed strings, no key built per request. */
  private readonly minutes = new Map<number, Map<string | null, Map<string, ApiRollup>>>();
  private rowCount = 0;

  get size(): number {
    return this.rowCount;
  }

  add(sample: ApiRequestSample): void {
    const at = typeof sample.at === 'number' ? sample.at : sample.at.getTime();
    const row = this.row(sample.tenant, at - (at % MINUTE), sample.route);
    row.requests += 1;
    if (sample.status >= 500) row.server_errors += 1;
    else if (sample.status >= 400) row.client_errors += 1;
    row.latency_sum_ms += sample.durationMs;
    row.histogram[latencySlot(sample.durationMs)] += 1;
  }

  /** Adds whole rows back (a flush that failed keeps its counts). */
  merge(rollups: readonly ApiRollup[]): void {
    for (const rollup of rollups) {
      const row = this.row(rollup.tenant_id, Date.parse(rollup.minute), rollup.route);
      row.requests += rollup.requests;
      row.client_errors += rollup.client_errors;
      row.server_errors += rollup.server_errors;
      row.latency_sum_ms += rollup.latency_sum_ms;
      rollup.histogram.forEach((count, slot) => (row.histogram[slot] += count));
    }
  }

  /** Takes every row out, oldest minute first; the accumulator is empty afterwards. */
  drain(): ApiRollup[] {
    const rows: ApiRollup[] = [];
    for (const minute of [...this.minutes.keys()].sort((a, b) => a - b)) {
      for (const routes of this.minutes.get(minute)!.values()) rows.push(...routes.values());
    }
    this.minutes.clear();
    this.rowCount = 0;
    // The table stores two decimals of milliseconds.
    return rows.map((row) => ({ ...row, latency_sum_ms: Math.round(row.latency_sum_ms * 100) / 100 }));
  }

  /** Removes the rows of the oldest minutes until at most `max` remain; returns how many requests they held. */
  dropOldest(max: number): number {
    let dropped = 0;
    for (const minute of [...this.minutes.keys()].sort((a, b) => a - b)) {
      if (this.rowCount <= max) break;
      for (const routes of this.minutes.get(minute)!.values()) {
        for (const row of routes.values()) dropped += row.requests;
        this.rowCount -= routes.size;
      }
      this.minutes.delete(minute);
    }
    return dropped;
  }

  private row(tenant: string | null, minute: number, route: string): ApiRollup {
    let tenants = this.minutes.get(minute);
    if (!tenants) this.minutes.set(minute, (tenants = new Map()));
    let routes = tenants.get(tenant);
    if (!routes) tenants.set(tenant, (routes = new Map()));
    let row = routes.get(route);
    if (!row) {
      row = {
        tenant_id: tenant,
        minute: new Date(minute).toISOString(),
        route,
        requests: 0,
        client_errors: 0,
        server_errors: 0,
        latency_sum_ms: 0,
        histogram: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
      };
      routes.set(route, row);
      this.rowCount += 1;
    }
    return row;
  }
}
