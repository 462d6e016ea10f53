import { AlertEvaluator, MetricsRecorder, MetricsService } from '../libs/metrics/src/index.js';
import { resolveAlertsSettings } from '../libs/metrics/src/alerts/alerts.options.js';
import { detectAnomalies } from '../libs/metrics/src/alerts/anomaly-detector.js';
import { generateDemoEvents } from '../src/demo/demo-data.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('anomaly detection on the demo data', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ metrics: { alerts: { enabled: false } } });
    let at = Date.now();
    const events = generateDemoEvents({ endDate: '2025-12-31', months: 6 });
    console.log(`generated ${events.length} in ${Date.now() - at} ms`);
    at = Date.now();
    const recorder = test.app.get(MetricsRecorder);
    for (let index = 0; index < events.length; index += 5_000)
      await recorder.recordBatch(events.slice(index, index + 5_000));
    console.log(`ingested in ${Date.now() - at} ms`);
    at = Date.now();
    await test.app.get(MetricsService).computeRange({ start: '2025-07-01', end: '2025-12-31' });
    console.log(`computed in ${Date.now() - at} ms`);
    await test.app.get(AlertEvaluator).settled();
  }, 300_000);

  afterAll(() => test.close());

  it('raises few alarms over the last three months, every scope and watched metric', async () => {
    const settings = resolveAlertsSettings(undefined).anomaly;
    const at = Date.now();
    const found = await detectAnomalies(
      test.dataSource.manager,
      { environment: 'test', tenant: null, start: '2025-10-01', end: '2025-12-31' },
      settings,
    );
    console.log(`scored in ${Date.now() - at} ms`);
    const byMetric: Record<string, number> = {};
    for (const alert of found) byMetric[alert.metric] = (byMetric[alert.metric] ?? 0) + 1;
    console.log(`${found.length} anomalies`, byMetric, found.map((a) => a.message).join('\n'));
    expect(found.length).toBeGreaterThanOrEqual(0);
  });
});
