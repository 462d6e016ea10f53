/**
 * Mixed traffic for soak runs (bench/soak.ts, test/soak.e2e-spec.ts): in each round every client posts a batch
 * of events with fresh ids, reads a summary and a timeseries over a range that moves (cache misses), the cohorts,
 * and streams a CSV export. Request counts are bounded (rounds × clients × 5); after each round `sample` records
 * memory and connections, so a leak shows as growth from round to round.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

export interface SoakOptions {
  base: string;
  adminToken: string;
  ingestToken: string;
  rounds: number;
  clients: number;
  /** Called after each round (after a full GC): the caller adds what it can measure (connections, pool). */
  sample?: () => Promise<Record<string, number>>;
}

export interface SoakSample extends Record<string, number> {
  round: number;
  rss_mb: number;
  heap_mb: number;
}

export interface SoakResult {
  requests: number;
  failures: string[];
  latency_ms: Record<string, { p50: number; p99: number; count: number }>;
  samples: SoakSample[];
}

/** A full, synchronous garbage collection, so heap samples compare live data rather than GC timing. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const day = (offset: number) => new Date(Date.UTC(2025, 0, 1 + (offset % 330))).toISOString().slice(0, 10);

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const latencies: Record<string, number[]> = {};
  const failures: string[] = [];
  const samples: SoakSample[] = [];
  let requests = 0;
  const request = async (kind: string, path: string, init: RequestInit = {}, token = options.adminToken) => {
    const begin = performance.now();
    const response = await fetch(`${options.base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    await response.arrayBuffer();
    requests += 1;
    (latencies[kind] ??= []).push(performance.now() - begin);
    if (response.status >= 300) failures.push(`${kind} ${path}: ${response.status}`);
  };
  const prefix = '/api/system/metrics';
  for (let round = 0; round < options.rounds; round += 1) {
    await Promise.all(
      Array.from({ length: options.clients }, async (_, client) => {
        const offset = round * options.clients + client;
        const events = Array.from({ length: 50 }, (__, index) => ({
          id: `soak-${round}-${client}-${index}`,
          type: index % 5 === 0 ? 'signup' : 'login',
          at: `${day(offset)}T12:00:00Z`,
          tenant: `t${client % 3}`,
          user: `u${(offset * 7 + index) % 400}`,
        }));
        await request(
          'ingest',
          `${prefix}/events`,
          { method: 'POST', body: JSON.stringify({ events }) },
          options.ingestToken,
        );
        // 40 ranges in turn: the read cache fills during warm-up, so later growth would be a leak, not the cache.
        const range = `start=${day(offset % 40)}&end=${day((offset % 40) + 30)}`;
        await request('summary', `${prefix}/summary?${range}`);
        await request('timeseries', `${prefix}/timeseries?${range}&metric=dau,wau,mau,new_customers`);
        await request('cohorts', `${prefix}/cohorts?months=${1 + (offset % 6)}`);
        await request('export', `${prefix}/export.csv?start=2025-01-01&end=2025-12-31`);
      }),
    );
    fullGc();
    const memory = process.memoryUsage();
    samples.push({
      round,
      rss_mb: Math.round(memory.rss / 1048576),
      heap_mb: Math.round((memory.heapUsed / 1048576) * 10) / 10,
      ...(options.sample ? await options.sample() : {}),
    });
  }
  const latency_ms = Object.fromEntries(
    Object.entries(latencies).map(([kind, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [
        kind,
        { p50: Math.round(quantile(sorted, 0.5)), p99: Math.round(quantile(sorted, 0.99)), count: sorted.length },
      ];
    }),
  );
  return { requests, failures, latency_ms, samples };
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The connections the app holds: server sessions of this database (PostgreSQL only) and the driver pool's
 * clients, with how many are checked out. Background work (the API-traffic flush, the recompute of days that late
 * events made dirty) may hold a client when the sample is taken, so the sample first waits up to `quiesceMs` for
 * the pool to go idle; a leaked client never comes back, so after a long enough wait a leak still shows.
 */
export async function poolState(
  dataSource: {
    driver: unknown;
    query: (sql: string) => Promise<unknown>;
  },
  quiesceMs = 3000,
): Promise<Record<string, number>> {
  const pool = (dataSource.driver as { master?: PgPool }).master;
  if (!pool || typeof pool.totalCount !== 'number') return {};
  const deadline = Date.now() + quiesceMs;
  while (pool.totalCount - pool.idleCount > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // Counted before the sessions query below: that query, or a background poll (the alert outbox, the API-traffic
  // flush) starting while it runs, would hold a client for a moment and read as one checked out. A leaked client
  // is never back: the wait ends as soon as every client is, so this tells a leak from a moment's use.
  const checkedOut = pool.totalCount - pool.idleCount;
  const [{ sessions }] = (await dataSource.query(
    'SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = current_database()',
  )) as { sessions: number }[];
  return {
    db_sessions: sessions,
    pool_total: pool.totalCount,
    pool_checked_out: checkedOut,
    pool_waiting: pool.waitingCount,
  };
}
