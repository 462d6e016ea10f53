import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import { MetricsRun, type RunTrigger } from '../entities/run.entity.js';
import { tenantIs } from '../sql/tenant-predicate.js';

export interface NewRun {
  trigger: RunTrigger;
  requestedBy: string | null;
  start: string;
  end: string;
  tenant: string | null;
  total: number;
}

/** The statements on `metrics_run`, as pure functions (rendered in docs/sql/runs.sql). */
export const runStatements = {
  /** A range already queued or running is not queued twice (a partial unique index): no row comes back then. */
  insertQueued: (request: NewRun): Statement => ({
    sql: `INSERT INTO metrics_run (trigger, requested_by, start_date, end_date, tenant_id, status, done, total, heartbeat_at)
      VALUES (:trigger, :requested_by, :start, :end, :tenant, 'queued', 0, :total, now())
      ON CONFLICT (start_date, end_date, tenant_id) WHERE status IN ('queued', 'running') DO NOTHING
      RETURNING id`,
    params: {
      trigger: request.trigger,
      requested_by: request.requestedBy,
      start: request.start,
      end: request.end,
      tenant: request.tenant,
      total: request.total,
    },
  }),

  activeRun: (start: string, end: string, tenant: string | null): Statement => ({
    sql: `SELECT id FROM metrics_run
      WHERE start_date = :start AND end_date = :end AND ${tenantIs('tenant_id', tenant)}
        AND status IN ('queued', 'running')`,
    params: { start, end, tenant },
  }),

  heartbeat: (id: string, done: number): Statement => ({
    sql: `UPDATE metrics_run SET heartbeat_at = now(), done = :done WHERE id = :id AND status = 'running'`,
    params: { id, done },
  }),

  /** `staleAfter` is an interval ('60 seconds'): a run whose heartbeat is older belongs to a process that stopped. */
  failInterrupted: (staleAfter: string): Statement => ({
    sql: `UPDATE metrics_run SET status = 'failed', finished_at = now(),
        error = 'Interrupted: the process computing it stopped before it finished. Retry the run.'
      WHERE status IN ('queued', 'running') AND coalesce(heartbeat_at, created_at) < now() - :stale_after::interval
      RETURNING id`,
    params: { stale_after: staleAfter },
  }),
};

/** Runs as stored: queued, started, beating, finished, recovered after a stop. */
@Injectable()
export class RunsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get runs() {
    return this.dataSource.getRepository(MetricsRun);
  }

  private query<T>(statement: Statement): Promise<T[]> {
    return run<T>((text, values) => this.dataSource.query(text, values), statement);
  }

  /** The new run, or null when the same range is already queued or running. */
  async insertQueued(request: NewRun): Promise<MetricsRun | null> {
    const [inserted] = await this.query<{ id: string }>(runStatements.insertQueued(request));
    return inserted ? this.runs.findOneByOrFail({ id: inserted.id }) : null;
  }

  async activeRunId(start: string, end: string, tenant: string | null): Promise<string | null> {
    const [active] = await this.query<{ id: string }>(runStatements.activeRun(start, end, tenant));
    return active?.id ?? null;
  }

  find(id: string): Promise<MetricsRun | null> {
    return this.runs.findOneBy({ id });
  }

  latest(limit: number): Promise<MetricsRun[]> {
    return this.runs.find({ order: { created_at: 'DESC' }, take: limit });
  }

  async markRunning(id: string, startedAt: Date): Promise<void> {
    await this.runs.update(id, { status: 'running', started_at: startedAt, heartbeat_at: new Date() });
  }

  async heartbeat(id: string, done: number): Promise<void> {
    await this.query(runStatements.heartbeat(id, done));
  }

  async recordOutcome(finished: MetricsRun): Promise<void> {
    await this.runs.update(finished.id, {
      status: finished.status,
      done: finished.done,
      error: finished.error,
      finished_at: finished.finished_at,
    });
  }

  /** Marks failed the active runs without a heartbeat for `staleAfter`; answers how many. */
  async failInterrupted(staleAfter: string): Promise<number> {
    const compiled = runStatements.failInterrupted(staleAfter);
    // TypeORM answers an UPDATE with [rows, affected].
    const [, recovered] = (await run((text, values) => this.dataSource.query(text, values), compiled)) as unknown as [
      unknown[],
      number,
    ];
    return recovered;
  }
}
