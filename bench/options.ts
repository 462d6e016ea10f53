import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** 1 = 100 tenants, 200k users, 20M activity events, … over three years. */
  scale: number;
  databaseUrl?: string;
  /** The embedded PGlite instead of PostgreSQL (small scales only). */
  pglite: boolean;
  /** Hash partitions per source table for the scale-out run; 0 skips it. */
  partitions: number;
  /** Backfills at ¼ and ½ of the data too (three loads). */
  growth: boolean;
  /** Reads, export and ingest through HTTP. */
  http: boolean;
  clients: number;
  requestsPerClient: number;
  ingestEvents: number;
  sampleDays: number;
  sampleTenants: number;
  /** Last day of the range (default: the last day of the month before today's; see run.ts). */
  end?: string;
  /** Days in the range, ending on `end` (default: three years). */
  days: number;
  outDir?: string;
  log?: (line: string) => void;
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: '1' },
      pglite: { type: 'boolean', default: false },
      partitioned: { type: 'string' },
      'no-growth': { type: 'boolean', default: false },
      'no-http': { type: 'boolean', default: false },
      clients: { type: 'string', default: '50' },
      requests: { type: 'string', default: '20' },
      'ingest-events': { type: 'string', default: '200000' },
      'sample-days': { type: 'string', default: '6' },
      'sample-tenants': { type: 'string', default: '5' },
      end: { type: 'string' },
      days: { type: 'string', default: String(3 * 365 + 1) },
      out: { type: 'string' },
    },
  });
  const number = (name: string, value: string | undefined) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new Error(`--${name} must be a non-negative number, got ${value}`);
    return parsed;
  };
  if (values.end !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.end)) throw new Error('--end must be YYYY-MM-DD');
  return {
    scale: number('scale', values.scale),
    databaseUrl: process.env.DATABASE_URL || undefined,
    pglite: values.pglite ?? false,
    partitions: values.partitioned === undefined ? 0 : number('partitioned', values.partitioned || '8'),
    growth: !values['no-growth'],
    http: !values['no-http'],
    clients: number('clients', values.clients),
    requestsPerClient: number('requests', values.requests),
    ingestEvents: number('ingest-events', values['ingest-events']),
    sampleDays: number('sample-days', values['sample-days']),
    sampleTenants: number('sample-tenants', values['sample-tenants']),
    end: values.end,
    days: Math.max(7, Math.round(number('days', values.days))),
    outDir: values.out,
  };
}
