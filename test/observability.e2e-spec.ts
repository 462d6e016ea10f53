import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { Registry } from 'prom-client';
import { MetricsService, RUN_EVENTS, type RunView } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('run events and Prometheus', () => {
  let test: TestApp;
  const registry = new Registry();
  const events: [string, RunView][] = [];

  beforeAll(async () => {
    test = await createTestApp({ metrics: { prometheus: { registry } }, imports: [EventEmitterModule.forRoot()] });
    const emitter = test.app.get(EventEmitter2);
    for (const name of Object.values(RUN_EVENTS)) emitter.on(name, (run: RunView) => events.push([name, run]));
  });

  afterAll(() => test.close());

  it('emits started and finished events and counts runs and their durations', async () => {
    const metrics = test.app.get(MetricsService);
    const ok = await metrics.run({ start: '2025-01-01', end: '2025-01-03', trigger: 'backfill' });
    expect(events.map(([name, run]) => [name, run.run_id])).toEqual([
      [RUN_EVENTS.started, ok.run_id],
      [RUN_EVENTS.succeeded, ok.run_id],
    ]);
    const text = await registry.metrics();
    expect(text).toContain('exec_metrics_runs_total{trigger="backfill",status="succeeded"} 1');
    expect(text).toMatch(/exec_metrics_run_duration_seconds_count\{trigger="backfill",status="succeeded"\} 1/);
  });
});
