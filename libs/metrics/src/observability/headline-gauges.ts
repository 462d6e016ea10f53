import { Injectable } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';
import { SnapshotsRepository } from '../repositories/snapshots.repository.js';
import { toNumber } from '../common/metric-values.js';
import { MetricsPrometheus } from './prometheus-registry.js';

/**
 * The latest global daily snapshot as gauges: `exec_metrics_latest_value{metric="<catalog key>"}` for every public
 * metric that has a value (a null metric is absent, not 0), and the snapshot's day as a Unix timestamp. Read from
 * the catalog, so a new metric appears here without code. Registered in the module's own registry only.
 */
@Injectable()
export class HeadlineGauges {
  private readonly values: Gauge<'metric'>;
  private readonly day: Gauge;

  constructor(
    private readonly snapshots: SnapshotsRepository,
    prometheus: MetricsPrometheus,
  ) {
    this.values = prometheus.ownMetric(
      (client, registers) =>
        new client.Gauge({
          name: 'exec_metrics_latest_value',
          help: 'Latest global daily snapshot, one series per catalog metric (null metrics are absent)',
          labelNames: ['metric'],
          registers,
        }),
    );
    this.day = prometheus.ownMetric(
      (client, registers) =>
        new client.Gauge({
          name: 'exec_metrics_latest_snapshot_day_seconds',
          help: 'The day of the latest global daily snapshot (its bucket_date at 00:00 UTC), Unix seconds',
          registers,
        }),
    );
  }

  async refresh(): Promise<void> {
    const row = await this.snapshots.latestGlobalDaily(PUBLIC_METRICS.map((metric) => metric.key));
    this.values.reset();
    this.day.reset();
    if (!row) return;
    this.day.set(Date.parse(`${String(row.day)}T00:00:00Z`) / 1000);
    for (const metric of PUBLIC_METRICS) {
      const value = toNumber(row[metric.key]);
      if (value !== null) this.values.set({ metric: metric.key }, value);
    }
  }
}
