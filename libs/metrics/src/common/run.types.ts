import type { MetricsRun, RunTrigger } from '../entities/run.entity.js';

export interface RunRequest {
  start: string;
  end: string;
  tenant?: string | null;
  trigger: RunTrigger;
  requestedBy?: string | null;
  onProgress?: (done: number, total: number) => void;
}

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
