import {
  BadRequestException,
  Injectable,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { MetricsRun } from '../entities/run.entity.js';
import { RunsRepository } from '../repositories/runs.repository.js';
import { RunObserver } from '../observability/run-observer.js';
import { daysBetween } from '../common/calendar-dates.js';
import { SnapshotComputeService } from './snapshot-compute.service.js';
import type { RunRequest, RunView } from '../common/run.types.js';

export type { RunRequest, RunView } from '../common/run.types.js';

const HEARTBEAT_MS = 5_000;
/** A run whose heartbeat is older than this belongs to a process that stopped. */
const STALE_AFTER = '60 seconds';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null);
const toState = (run: MetricsRun): RunView => ({
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
  started_at: iso(run.started_at),
  finished_at: iso(run.finished_at),
});

/**
 * Every computation is a run: stored with its trigger, range, progress and outcome. Across instances a range is
 * computed by one run at a time (a unique index on active runs; asking again returns the active run), and
 * computations themselves take turns (an advisory lock in the compute). Live state is also kept in memory,
 * because on the embedded database a long compute holds the only connection.
 */
@Injectable()
export class MetricsRunsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly live = new Map<string, MetricsRun>();
  private shuttingDown = false;
  private readonly settled = new Map<string, Promise<RunView>>();

  constructor(
    private readonly runs: RunsRepository,
    private readonly compute: SnapshotComputeService,
    private readonly observer: RunObserver,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.recoverInterrupted();
  }

  /** A run cut short by the shutdown stays "running" and is marked failed at the next start. */
  onApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  /** Queues a run and starts it in the background, unless the same range is already being computed. */
  async start(request: RunRequest): Promise<RunView> {
    const run = await this.runs.insertQueued({
      trigger: request.trigger,
      requestedBy: request.requestedBy ?? null,
      start: request.start,
      end: request.end,
      tenant: request.tenant ?? null,
      total: daysBetween(request.start, request.end) + 1,
    });
    if (!run) return this.activeRunFor(request);
    this.live.set(run.id, run);
    this.settled.set(
      run.id,
      new Promise((resolve) => setImmediate(() => resolve(this.execute(run, request.onProgress)))),
    );
    return toState(run);
  }

  /** Runs a computation to its end and returns its final state. */
  async runNow(request: RunRequest): Promise<RunView> {
    const started = await this.start(request);
    return this.waitFor(started.run_id);
  }

  async waitFor(id: string): Promise<RunView> {
    const settled = this.settled.get(id);
    if (settled) return settled;
    // A run of another instance: follow it through the database.
    while (!this.shuttingDown) {
      const state = await this.get(id);
      if (state.status === 'succeeded' || state.status === 'failed') return state;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return this.get(id);
  }

  async get(id: string): Promise<RunView> {
    const live = this.live.get(id);
    if (live) return toState(live);
    const run = UUID.test(id) ? await this.runs.find(id) : null;
    if (!run) throw new NotFoundException(`No run with id ${id}`);
    return toState(run);
  }

  async list(limit: number): Promise<RunView[]> {
    const runs = await this.runs.latest(limit);
    return runs.map((run) => (this.live.has(run.id) ? toState(this.live.get(run.id)!) : toState(run)));
  }

  /** Starts a failed run again, for the same range and tenant. */
  async retry(id: string, requestedBy: string | null): Promise<RunView> {
    const previous = await this.get(id);
    if (previous.status !== 'failed')
      throw new BadRequestException(`Run ${id} is ${previous.status}; only failed runs are retried`);
    return this.start({
      start: previous.start,
      end: previous.end,
      tenant: previous.tenant,
      trigger: previous.trigger,
      requestedBy,
    });
  }

  /** Marks failed the runs whose process stopped (no heartbeat for a minute): never "running" forever. */
  async recoverInterrupted(): Promise<number> {
    const recovered = await this.runs.failInterrupted(STALE_AFTER);
    return recovered;
  }

  private async activeRunFor(request: RunRequest): Promise<RunView> {
    const active = await this.runs.activeRunId(request.start, request.end, request.tenant ?? null);
    // The active run finished between the insert and this read: start a fresh one.
    return active ? this.get(active) : this.start(request);
  }

  private async execute(run: MetricsRun, onProgress?: RunRequest['onProgress']): Promise<RunView> {
    run.status = 'running';
    run.started_at = new Date();
    await this.runs.markRunning(run.id, run.started_at);
    this.observer.started(toState(run));
    // Off the compute's transaction: on PostgreSQL it lands at once, on PGlite once the compute lets go.
    const heartbeat = setInterval(() => {
      void this.runs.heartbeat(run.id, run.done).catch(() => undefined);
    }, HEARTBEAT_MS);
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
    } finally {
      clearInterval(heartbeat);
    }
    run.finished_at = new Date();
    await this.recordOutcome(run);
    this.live.delete(run.id);
    this.settled.delete(run.id);
    const state = toState(run);
    this.observer.finished(state);
    return state;
  }

  /** The outcome is written even if the database was away for a while (it is what the run is remembered by). */
  private async recordOutcome(run: MetricsRun): Promise<void> {
    for (let attempt = 0; attempt < 20 && !this.shuttingDown; attempt += 1) {
      try {
        await this.runs.recordOutcome(run);
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
      }
    }
  }
}
