import { Injectable, Logger, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Counter, Histogram } from 'prom-client';
import type { RunView } from '../common/run.types.js';
import { MetricsPrometheus } from './prometheus-registry.js';

export const RUN_EVENTS = {
  started: 'metrics.run.started',
  succeeded: 'metrics.run.succeeded',
  failed: 'metrics.run.failed',
} as const;

/**
 * What the outside sees of runs: one log line each with its timings, events for a host that uses
 * @nestjs/event-emitter (EventEmitterModule.forRoot() in the host), and Prometheus counters and durations
 * when the host asks for them (`prometheus` option).
 */
@Injectable()
export class RunObserver {
  private readonly logger = new Logger('MetricsRuns');
  private readonly runs: Counter<'trigger' | 'status'>;
  private readonly durations: Histogram<'trigger' | 'status'>;

  constructor(
    prometheus: MetricsPrometheus,
    @Optional() private readonly events?: EventEmitter2,
  ) {
    // In the module's own registry (its /metrics route) and the host's when the `prometheus` option is set.
    this.runs = prometheus.metric(
      'exec_metrics_runs_total',
      (client, registers) =>
        new client.Counter({
          name: 'exec_metrics_runs_total',
          help: 'Metric computations (backfills, cron, compute now) by trigger and outcome',
          labelNames: ['trigger', 'status'],
          registers,
        }),
    );
    this.durations = prometheus.metric(
      'exec_metrics_run_duration_seconds',
      (client, registers) =>
        new client.Histogram({
          name: 'exec_metrics_run_duration_seconds',
          help: 'Duration of metric computations',
          labelNames: ['trigger', 'status'],
          buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
          registers,
        }),
    );
  }

  started(run: RunView): void {
    this.events?.emit(RUN_EVENTS.started, run);
  }

  finished(run: RunView): void {
    const seconds =
      run.started_at && run.finished_at ? (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000 : 0;
    const line = `run ${run.run_id} (${run.trigger}) ${run.start}..${run.end} ${run.tenant ?? 'all tenants'}: ${run.status} in ${seconds.toFixed(2)} s`;
    if (run.status === 'succeeded') this.logger.log(line);
    else this.logger.error(`${line}: ${run.error ?? 'unknown error'}`);
    this.runs.inc({ trigger: run.trigger, status: run.status });
    this.durations.observe({ trigger: run.trigger, status: run.status }, seconds);
    this.events?.emit(run.status === 'succeeded' ? RUN_EVENTS.succeeded : RUN_EVENTS.failed, run);
  }
}
