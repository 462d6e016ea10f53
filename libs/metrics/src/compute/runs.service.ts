import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsRun, type RunTrigger } from '../entities/run.entity.js';
import { daysBetween } from './calendar-dates.js';
import { SnapshotComputeService } from './snapshot-compute.service.js';

export interface RunRequest {
  start: string;
  end: string;
  tenant?: string | null;
  trigger: RunTrigger;
  requestedBy?: string | null;
  onProgress?: (done: number, total: number) => void;
}

export interface RunState {
  run_id: string;
  status: MetricsRun['status'];
  trigger: RunTrigger;
  requested_by: string | null;
  start: string;
  end: string;
  tenant: string | null;
  done: number;
  total: number;
  error?: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const toState = (run: MetricsRun): RunState => ({
  run_id: run.id,
  status: run.status,
  trigger: run.trigger,
  requested_by: run.requested_by,
  start: run.start_date,
  end: run.end_date,
  tenant: run.tenant_id,
  done: run.done,
  total: run.total,
  ...(run.error ? { error: run.error } : {}),
  created_at: new Date(run.created_at).toISOString(),
  started_at: run.started_at ? new Date(run.started_at).toISOString() : null,
  finished_at: run.finished_at ? new Date(run.finished_at).toISOString() : null,
});

/**
 * Every computation is a run: stored with its trigger, range, progress and outcome. Runs execute in the
 * background; their live state is kept in memory too, because on the embedded database a long compute
 * holds the only connection and a status read would otherwise wait for it to finish.
 */
@Injectable()
export class MetricsRunsService {
  private readonly logger = new Logger('MetricsRuns');
  private readonly live = new Map<string, MetricsRun>();
  private readonly settled = new Map<string, Promise<RunState>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly compute: SnapshotComputeService,
  ) {}

  /** Queues a run and starts it in the background; resolves once the run is recorded. */
  async start(request: RunRequest): Promise<RunState> {
    const run = await this.dataSource.getRepository(MetricsRun).save(
      this.dataSource.getRepository(MetricsRun).create({
        trigger: request.trigger,
        requested_by: request.requestedBy ?? null,
        start_date: request.start,
        end_date: request.end,
        tenant_id: request.tenant ?? null,
        status: 'queued',
        done: 0,
        total: daysBetween(request.start, request.end) + 1,
      }),
    );
    this.live.set(run.id, run);
    this.settled.set(
      run.id,
      new Promise((resolve) => setImmediate(() => resolve(this.execute(run, request.onProgress)))),
    );
    return toState(run);
  }

  /** Runs a computation to its end and returns its final state. */
  async runNow(request: RunRequest): Promise<RunState> {
    const started = await this.start(request);
    return this.waitFor(started.run_id);
  }

  async waitFor(id: string): Promise<RunState> {
    return (await this.settled.get(id)) ?? this.get(id);
  }

  async get(id: string): Promise<RunState> {
    const live = this.live.get(id);
    if (live) return toState(live);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const run = uuid.test(id) ? await this.dataSource.getRepository(MetricsRun).findOneBy({ id }) : null;
    if (!run) throw new NotFoundException(`No run with id ${id}`);
    return toState(run);
  }

  private async execute(run: MetricsRun, onProgress?: RunRequest['onProgress']): Promise<RunState> {
    const repository = this.dataSource.getRepository(MetricsRun);
    run.status = 'running';
    run.started_at = new Date();
    await repository.update(run.id, { status: 'running', started_at: run.started_at });
    try {
      await this.compute.computeRange({
        start: run.start_date,
        end: run.end_date,
        tenant: run.tenant_id,
        onProgress: (done, total) => {
          run.done = done;
          onProgress?.(done, total);
        },
      });
      run.status = 'succeeded';
      run.done = run.total;
    } catch (error) {
      run.status = 'failed';
      run.error = error instanceof Error ? error.message : String(error);
      this.logger.error(`run ${run.id} failed: ${run.error}`);
    }
    run.finished_at = new Date();
    try {
      await repository.update(run.id, {
        status: run.status,
        done: run.done,
        error: run.error,
        finished_at: run.finished_at,
      });
    } catch (error) {
      this.logger.error(`run ${run.id}: could not record its outcome: ${String(error)}`);
    }
    this.live.delete(run.id);
    this.settled.delete(run.id);
    return toState(run);
  }
}
