import { BENCH_INGEST_TOKEN } from '../bench-app.js';
import type { BenchDb } from '../bench-db.js';

export interface IngestResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  copySeconds: number;
  copyEventsPerSecond: number;
}

const INGEST_TENANT = 'ingest-bench';
const BATCH = 10_000;

/**
 * Activity events posted to POST /events in full batches, against a raw COPY of as many rows into the same
 * table. Both sets belong to a tenant of their own and are removed afterwards, so later figures see the same data.
 */
export async function measureIngest(baseUrl: string, db: BenchDb, events: number, day: string): Promise<IngestResult> {
  const at = (index: number) => new Date(Date.parse(`${day}T00:00:00Z`) + (index % 86_400) * 1000).toISOString();
  const started = performance.now();
  for (let offset = 0; offset < events; offset += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, events - offset) }, (_, index) => ({
      type: 'activity',
      tenant: INGEST_TENANT,
      user: `ingest-u${(offset + index) % 5000}`,
      at: at(offset + index),
    }));
    const response = await fetch(`${baseUrl}/api/system/metrics/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BENCH_INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: batch }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`POST /events: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
  const seconds = (performance.now() - started) / 1000;

  const copyStarted = performance.now();
  await db.copyIn(
    'metrics_activity_event',
    ['tenant_id', 'user_id', 'type', 'occurred_at'],
    (function* () {
      for (let index = 0; index < events; index += 1) {
        yield `${INGEST_TENANT}\tingest-u${index % 5000}\tactivity\t${at(index)}\n`;
      }
    })(),
  );
  const copySeconds = (performance.now() - copyStarted) / 1000;
  await db.query('DELETE FROM metrics_activity_event WHERE tenant_id = $1', [INGEST_TENANT]);
  await db.query('DELETE FROM metrics_dirty_day WHERE true');
  return {
    events,
    seconds,
    eventsPerSecond: events / seconds,
    copySeconds,
    copyEventsPerSecond: events / copySeconds,
  };
}
