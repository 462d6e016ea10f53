import type { EntityManager } from 'typeorm';
import type { MetricsRun, RunTrigger } from '../entities/run.entity.js';

/** What to compute: a range of local days, for one tenant or all (the library's computeRange and every run). */
export interface ComputeRequest {
  /** First and last local day (YYYY-MM-DD), both included. */
  start: string;
  end: string;
  /** One tenant only; absent or null: the global view and every tenant. */
  tenant?: string | null;
  /** "Now", for maturity rules; tests pin it. */
  asOf?: Date;
  onProgress?: (done: number, total: number) => void;
  /**
   * A dry run (verify): called inside the computation's transaction once every row is written, then the
   * transaction is rolled back and no alert is evaluated; the stored snapshots stay as they were.
   */
  inspectThenRollBack?: (manager: EntityManager) => Promise<void>;
}

/** A computation (ComputeRequest's range, tenant and progress) recorded as a run, with who or what asked. */
export type RunRequest = Pick<ComputeRequest, 'start' | 'end' | 'tenant' | 'onProgress'> & {
  trigger: RunTrigger;
  requestedBy?: string | null;
};

export interface RunView {
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
