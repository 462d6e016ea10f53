import { BENCH_TOKEN } from '../bench-app.js';

export interface LatencyResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** `clients` concurrent clients, each sending `perClient` requests one after another; latencies of every request. */
export async function loadRoute(
  baseUrl: string,
  path: () => string,
  clients: number,
  perClient: number,
): Promise<LatencyResult> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let index = 0; index < perClient; index += 1) {
        const url = `${baseUrl}${path()}`;
        const begin = performance.now();
        const response = await fetch(url, { headers: { authorization: `Bearer ${BENCH_TOKEN}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    rps: latencies.length / seconds,
  };
}

export interface ReadLatencyResult {
  trivial: LatencyResult;
  summaryWarm: LatencyResult;
  timeseriesWarm: LatencyResult;
  summaryCold: LatencyResult;
  timeseriesCold: LatencyResult;
}

/**
 * Summary (a month) and timeseries (a year) under concurrent clients against the trivial route of the same app.
 * Warm: the dashboard's repeated query (the read cache answers); cold: every request a different range (the
 * database does).
 */
export async function measureReadLatency(
  baseUrl: string,
  range: { start: string; end: string },
  clients: number,
  perClient: number,
): Promise<ReadLatencyResult> {
  const prefix = '/api/system/metrics';
  const lastMonth = new Date(Date.parse(`${range.end}T00:00:00Z`) - 30 * 86_400_000).toISOString().slice(0, 10);
  const yearAgo = new Date(Date.parse(`${range.end}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
  const day = (offset: number) =>
    new Date(Date.parse(`${range.end}T00:00:00Z`) - offset * 86_400_000).toISOString().slice(0, 10);
  let shift = 0;
  /** A window of `days` days ending a different day back on every call, so the read cache never answers. */
  const coldRange = (days: number) => {
    shift = (shift + 1) % 300;
    return `start=${day(shift + days - 1)}&end=${day(shift)}`;
  };
  // Cold reads cost a database query each: fewer per client, still ≥ 100 samples for the p99 with 50 clients.
  const coldPerClient = Math.max(2, Math.ceil(perClient / 10));
  await loadRoute(baseUrl, () => '/bench/ping', clients, 2); // warms the HTTP path and the connection pool
  // Warm means cached: one request each first, so no measured request waits for the first (shared) miss.
  await loadRoute(baseUrl, () => `${prefix}/summary?start=${lastMonth}&end=${range.end}`, 1, 1);
  await loadRoute(baseUrl, () => `${prefix}/timeseries?metric=dau,wau,mau&start=${yearAgo}&end=${range.end}`, 1, 1);
  return {
    trivial: await loadRoute(baseUrl, () => '/bench/ping', clients, perClient),
    summaryWarm: await loadRoute(
      baseUrl,
      () => `${prefix}/summary?start=${lastMonth}&end=${range.end}`,
      clients,
      perClient,
    ),
    timeseriesWarm: await loadRoute(
      baseUrl,
      () => `${prefix}/timeseries?metric=dau,wau,mau&start=${yearAgo}&end=${range.end}`,
      clients,
      perClient,
    ),
    summaryCold: await loadRoute(baseUrl, () => `${prefix}/summary?${coldRange(30)}`, clients, coldPerClient),
    timeseriesCold: await loadRoute(
      baseUrl,
      () => `${prefix}/timeseries?metric=dau,wau,mau&${coldRange(365)}`,
      clients,
      coldPerClient,
    ),
  };
}
