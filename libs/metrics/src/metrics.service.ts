import { Injectable } from '@nestjs/common';
import { MetricsRunsService, type RunRequest, type RunView } from './compute/runs.service.js';
import { SnapshotComputeService, type ComputeRequest, type ComputeResult } from './compute/snapshot-compute.service.js';
import { CohortComputeService } from './compute/cohort-compute.service.js';
import { CohortsService, type CohortRow } from './read/cohorts.service.js';
import { SummaryService, type MetricsSummary, type SummaryQuery } from './read/summary.service.js';
import { TimeseriesService, type Timeseries, type TimeseriesQuery } from './read/timeseries.service.js';

/** What a host calls to compute and read metrics from its own code (the REST routes use the same services). */
@Injectable()
export class MetricsService {
  constructor(
    private readonly compute: SnapshotComputeService,
    private readonly cohortCompute: CohortComputeService,
    private readonly runs: MetricsRunsService,
    private readonly summaries: SummaryService,
    private readonly cohortReader: CohortsService,
    private readonly timeseriesReader: TimeseriesService,
  ) {}

  /** Computes daily, weekly and monthly snapshots and cohorts for [start, end] now, in one transaction. */
  computeRange(request: ComputeRequest): Promise<ComputeResult> {
    return this.compute.computeRange(request);
  }

  /** The signup cohorts of one month (YYYY-MM-01), global and per tenant. */
  computeCohorts(month: string): Promise<void> {
    return this.cohortCompute.months(month, month);
  }

  /** Starts a background run (see getRun for its progress). */
  backfill(request: Omit<RunRequest, 'trigger'> & { trigger?: RunRequest['trigger'] }): Promise<RunView> {
    return this.runs.start({ trigger: 'backfill', ...request });
  }

  /** Runs a computation as a recorded run and waits for its end. */
  run(request: RunRequest): Promise<RunView> {
    return this.runs.runNow(request);
  }

  /** Runs whose process died are marked failed (done at start and by each scheduled tick). */
  recoverInterruptedRuns(): Promise<number> {
    return this.runs.recoverInterrupted();
  }

  /** Resolves when the run has ended (succeeded or failed). */
  waitForRun(id: string): Promise<RunView> {
    return this.runs.waitFor(id);
  }

  getRun(id: string): Promise<RunView> {
    return this.runs.get(id);
  }

  summary(query: SummaryQuery): Promise<MetricsSummary> {
    return this.summaries.summary(query);
  }

  timeseries(query: TimeseriesQuery): Promise<Timeseries> {
    return this.timeseriesReader.timeseries(query);
  }

  cohorts(tenant: string | null = null, months = 6): Promise<CohortRow[]> {
    return this.cohortReader.cohorts(tenant, months);
  }
}
