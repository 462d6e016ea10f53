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
  private readonly rows = new Map<string, ApiRollup>();

  get size(): number {
    return this.rows.size;
  }

  add(sample: ApiRequestSample): void {
    const at = typeof sample.at === 'number' ? sample.at : sample.at.getTime();
    const minute = Math.floor(at / MINUTE) * MINUTE;
    const row = this.row(sample.tenant, minute, sample.route);
    row.requests += 1;
    if (sample.status >= 400 && sample.status < 500) row.client_errors += 1;
    if (sample.status >= 500) row.server_errors += 1;
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
    const rows = [...this.rows.values()].sort((a, b) => a.minute.localeCompare(b.minute));
    this.rows.clear();
    // The table stores two decimals of milliseconds.
    return rows.map((row) => ({ ...row, latency_sum_ms: Math.round(row.latency_sum_ms * 100) / 100 }));
  }

  /** Removes the rows of the oldest minutes until at most `max` remain; returns how many requests they held. */
  dropOldest(max: number): number {
    if (this.rows.size <= max) return 0;
    const oldest = [...this.rows.entries()].sort(([, a], [, b]) => a.minute.localeCompare(b.minute));
    let dropped = 0;
    for (const [key, row] of oldest.slice(0, this.rows.size - max)) {
      dropped += row.requests;
      this.rows.delete(key);
    }
    return dropped;
  }

  private row(tenant: string | null, minute: number, route: string): ApiRollup {
    const key = `${tenant ?? '\u0000'}\u0001${minute}\u0001${route}`;
    let row = this.rows.get(key);
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
      this.rows.set(key, row);
    }
    return row;
  }
}
