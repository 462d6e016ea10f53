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
const SLOTS = LATENCY_BUCKETS_MS.length + 1;
/** A cell's key within its minute: tenant id × ROUTE_SPAN + route id (exact in a double for any realistic id). */
const ROUTE_SPAN = 2 ** 20;
/** Tenant names are forgotten at a drain once this many were seen (any client can send a valid X-Tenant-Id). */
const MAX_REMEMBERED_TENANTS = 10_000;
const INITIAL_CELLS = 256;

function widerFloats(array: Float64Array, length: number): Float64Array<ArrayBuffer> {
  const wider = new Float64Array(length);
  wider.set(array);
  return wider;
}

function widerInts(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const wider = new Int32Array(length);
  wider.set(array);
  return wider;
}

/**
 * Requests added up per (tenant, minute, route) in memory. The per-status-class counts and the histogram are
 * columns of the row, so a key never needs the status: this is exactly the shape of the rollup table, and two
 * accumulators (or an accumulator and the table) merge by adding.
 *
 * Counting a request allocates nothing once its cell exists: tenants and routes are numbered once (routes for
 * good, so a caller may keep a route's number), cells live in typed arrays that double when full, and a cell is
 * found through a map per minute keyed by a number. Rows are built only when drained, off the request path.
 */
export class ApiRollupAccumulator {
  private capacity = INITIAL_CELLS;
  private cellCount = 0;
  private minuteOf = new Float64Array(INITIAL_CELLS);
  private tenantOf = new Int32Array(INITIAL_CELLS);
  private routeOf = new Int32Array(INITIAL_CELLS);
  private requests = new Float64Array(INITIAL_CELLS);
  private clientErrors = new Float64Array(INITIAL_CELLS);
  private serverErrors = new Float64Array(INITIAL_CELLS);
  private latencySum = new Float64Array(INITIAL_CELLS);
  private histogram = new Float64Array(INITIAL_CELLS * SLOTS);
  /** minute number (epoch ms / 60,000) → cell key → cell index. */
  private readonly cells = new Map<number, Map<number, number>>();
  /** Tenant id 0 is "no tenant". */
  private tenantNames: (string | null)[] = [null];
  private tenantIds = new Map<string, number>();
  private readonly routeNames: string[] = [];
  private readonly routeIds = new Map<string, number>();

  get size(): number {
    return this.cellCount;
  }

  /** The number of a route (stable for the accumulator's life). */
  routeId(route: string): number {
    let id = this.routeIds.get(route);
    if (id === undefined) {
      id = this.routeNames.length;
      this.routeNames.push(route);
      this.routeIds.set(route, id);
    }
    return id;
  }

  add(sample: ApiRequestSample): void {
    const at = typeof sample.at === 'number' ? sample.at : sample.at.getTime();
    this.count(sample.tenant, this.routeId(sample.route), at, sample.status, sample.durationMs);
  }

  /** Counts one request of a numbered route; `at` in epoch milliseconds. The hot path: no allocation. */
  count(tenant: string | null, route: number, at: number, status: number, durationMs: number): void {
    const cell = this.cell(this.tenantId(tenant), route, Math.floor(at / MINUTE));
    this.requests[cell] += 1;
    if (status >= 500) this.serverErrors[cell] += 1;
    else if (status >= 400) this.clientErrors[cell] += 1;
    this.latencySum[cell] += durationMs;
    this.histogram[cell * SLOTS + latencySlot(durationMs)] += 1;
  }

  /** Adds whole rows back (a flush that failed keeps its counts). */
  merge(rollups: readonly ApiRollup[]): void {
    for (const rollup of rollups) {
      const cell = this.cell(
        this.tenantId(rollup.tenant_id),
        this.routeId(rollup.route),
        Date.parse(rollup.minute) / MINUTE,
      );
      this.requests[cell] += rollup.requests;
      this.clientErrors[cell] += rollup.client_errors;
      this.serverErrors[cell] += rollup.server_errors;
      this.latencySum[cell] += rollup.latency_sum_ms;
      rollup.histogram.forEach((count, slot) => (this.histogram[cell * SLOTS + slot] += count));
    }
  }

  /** Takes every row out, oldest minute first (then in the order first counted); empty afterwards. */
  drain(): ApiRollup[] {
    const rows = this.rows();
    this.clear();
    // The table stores two decimals of milliseconds.
    for (const row of rows) row.latency_sum_ms = Math.round(row.latency_sum_ms * 100) / 100;
    return rows;
  }

  /** Removes the rows of the oldest minutes until at most `max` remain; returns how many requests they held. */
  dropOldest(max: number): number {
    if (this.cellCount <= max) return 0;
    const rows = this.rows();
    let from = 0;
    let dropped = 0;
    while (rows.length - from > max) {
      const minute = rows[from].minute;
      for (; from < rows.length && rows[from].minute === minute; from += 1) dropped += rows[from].requests;
    }
    this.clear();
    this.merge(rows.slice(from));
    return dropped;
  }

  private tenantId(tenant: string | null): number {
    if (tenant === null) return 0;
    let id = this.tenantIds.get(tenant);
    if (id === undefined) {
      id = this.tenantNames.length;
      this.tenantNames.push(tenant);
      this.tenantIds.set(tenant, id);
    }
    return id;
  }

  private cell(tenant: number, route: number, minute: number): number {
    let keys = this.cells.get(minute);
    if (keys === undefined) this.cells.set(minute, (keys = new Map<number, number>()));
    const key = tenant * ROUTE_SPAN + route;
    let cell = keys.get(key);
    if (cell === undefined) {
      if (this.cellCount === this.capacity) this.grow();
      cell = this.cellCount;
      this.cellCount += 1;
      this.minuteOf[cell] = minute;
      this.tenantOf[cell] = tenant;
      this.routeOf[cell] = route;
      keys.set(key, cell);
    }
    return cell;
  }

  private rows(): ApiRollup[] {
    const order = Array.from({ length: this.cellCount }, (_, cell) => cell).sort(
      (a, b) => this.minuteOf[a] - this.minuteOf[b] || a - b,
    );
    return order.map((cell) => ({
      tenant_id: this.tenantNames[this.tenantOf[cell]],
      minute: new Date(this.minuteOf[cell] * MINUTE).toISOString(),
      route: this.routeNames[this.routeOf[cell]],
      requests: this.requests[cell],
      client_errors: this.clientErrors[cell],
      server_errors: this.serverErrors[cell],
      latency_sum_ms: this.latencySum[cell],
      histogram: Array.from(this.histogram.subarray(cell * SLOTS, (cell + 1) * SLOTS)),
    }));
  }

  private clear(): void {
    this.requests.fill(0, 0, this.cellCount);
    this.clientErrors.fill(0, 0, this.cellCount);
    this.serverErrors.fill(0, 0, this.cellCount);
    this.latencySum.fill(0, 0, this.cellCount);
    this.histogram.fill(0, 0, this.cellCount * SLOTS);
    this.cellCount = 0;
    this.cells.clear();
    if (this.tenantNames.length > MAX_REMEMBERED_TENANTS) {
      this.tenantNames = [null];
      this.tenantIds = new Map();
    }
  }

  /** Doubles every column (rare: the number of rows pending between two flushes only grows so far). */
  private grow(): void {
    this.capacity *= 2;
    this.minuteOf = widerFloats(this.minuteOf, this.capacity);
    this.tenantOf = widerInts(this.tenantOf, this.capacity);
    this.routeOf = widerInts(this.routeOf, this.capacity);
    this.requests = widerFloats(this.requests, this.capacity);
    this.clientErrors = widerFloats(this.clientErrors, this.capacity);
    this.serverErrors = widerFloats(this.serverErrors, this.capacity);
    this.latencySum = widerFloats(this.latencySum, this.capacity);
    this.histogram = widerFloats(this.histogram, this.capacity * SLOTS);
  }
}
