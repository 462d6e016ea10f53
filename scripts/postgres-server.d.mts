export interface TemporaryPostgres {
  url: string;
  crash(): void;
  restart(): void;
  stop(): void;
}
export function startTemporaryPostgres(options?: { port?: number; durable?: boolean }): Promise<TemporaryPostgres>;
