export interface TemporaryStandby {
  url: string;
  /** Stops replaying the primary's WAL (the standby keeps answering, with what it had). */
  pause(): void;
  resume(): void;
  /** Resolves once the standby has replayed everything the primary had written when called. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): void;
}
export interface TemporaryPostgres {
  url: string;
  crash(): void;
  restart(): void;
  startStandby(): Promise<TemporaryStandby>;
  stop(): void;
}
export function startTemporaryPostgres(options?: { port?: number; durable?: boolean }): Promise<TemporaryPostgres>;
