import fc from 'fast-check';
import { AuditService } from '../../../libs/metrics/src/index.js';
import { tableDigest } from '../table-digest.js';
import { call, type TestApp } from '../test-app.js';
import type { Baseline } from './baselines.js';
import { everyFieldCases, isWrite, mutations, requestOf, type FuzzRequest } from './fuzz-cases.js';
import type { FuzzOperation } from './operations.js';

export interface FuzzSettings {
  seed: number;
  /** Generated requests per operation. */
  runs: number;
  /** Longest hostile string, in characters. */
  longest: number;
}

export interface OperationReport {
  key: string;
  /** Inputs (parameters and body fields) the operation declares. */
  inputs: number;
  requests: number;
  refused: number;
  accepted: number;
  /** What went wrong, with the request that showed it (empty: the operation held). */
  failure?: string;
}

/** A token's use is noted at most once a minute, off the request path: not a change made by a refused write. */
const DIGEST_IGNORES = { metrics_api_token: ['last_used_at'] };
const STACK_TRACE = /\n\s+at [\w.<>]+ \(|node_modules|\.ts:\d+:\d+/;

/** Waits until no run is queued or running (an accepted backfill computes in the background). */
async function settle(test: TestApp): Promise<void> {
  for (;;) {
    const [{ busy }] = await test.dataSource.query<{ busy: number }[]>(
      `SELECT count(*)::int AS busy FROM metrics_run WHERE status IN ('queued', 'running')`,
    );
    if (busy === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function namesOne(body: unknown, names: string[]): boolean {
  if (!body || typeof body !== 'object') return false;
  const { message, errors } = body as { message?: unknown; errors?: { field?: unknown }[] };
  const said = [
    JSON.stringify(message ?? ''),
    ...(Array.isArray(errors) ? errors.map((e) => JSON.stringify(e?.field ?? '')) : []),
  ]
    .join('\n')
    .toLowerCase();
  // As a word: "uuid is expected" does not name `id`.
  const escape = (name: string) => name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return names.some((name) => new RegExp(`(^|[^a-z0-9_])${escape(name)}($|[^a-z0-9_])`).test(said));
}

/** What is wrong with one answer, or null. */
function problemOf(
  request: FuzzRequest,
  answer: { status: number; body: unknown; text: string; headers: Headers },
): string | null {
  const { status, body, text } = answer;
  if (status >= 500) return `answered ${status}`;
  if (status >= 300 && status < 400) return `answered ${status}`;
  if (STACK_TRACE.test(text)) return 'the answer shows a stack trace or a source path';
  if (status < 400) return null;
  if (!answer.headers.get('content-type')?.includes('application/json')) return `${status} is not JSON`;
  const message = (body as { message?: unknown })?.message;
  if ((typeof message !== 'string' || message.length === 0) && !Array.isArray(message))
    return `${status} without a message`;
  if ((status === 400 || status === 422) && !namesOne(body, request.names))
    return `${status} does not name ${request.names[0]}`;
  return null;
}

const show = (request: FuzzRequest) =>
  `${request.method} ${request.path.slice(0, 300)} ${request.body?.slice(0, 300) ?? ''}`.trim();

/**
 * Sends `runs` generated requests to one operation. Every answer must be a 2xx or a 4xx with a JSON message
 * naming the hostile input; a refused write must leave every table as it was; the audit chain must verify.
 */
export async function fuzzOperation(
  test: TestApp,
  operation: FuzzOperation,
  baseline: Baseline,
  settings: FuzzSettings,
): Promise<OperationReport> {
  const report: OperationReport = {
    key: operation.key,
    inputs: operation.targets.length,
    requests: 0,
    refused: 0,
    accepted: 0,
  };
  const property = fc.asyncProperty(mutations(operation, settings.longest), async (mutation) => {
    const request = requestOf(operation, baseline, mutation);
    const before = isWrite(operation) ? await tableDigest(test.dataSource, DIGEST_IGNORES) : undefined;
    const answer = await call(test, request.method, request.path, {
      rawBody: request.body,
      headers: request.headers,
    });
    report.requests += 1;
    const problem = problemOf(request, answer);
    if (problem) throw new Error(`${problem}: ${show(request)} → ${answer.text.slice(0, 300)}`);
    if (answer.status >= 400) {
      report.refused += 1;
      if (before) {
        const after = await tableDigest(test.dataSource, DIGEST_IGNORES);
        const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
        if (changed.length > 0)
          throw new Error(`refused ${answer.status} but changed ${changed.join(',')}: ${show(request)}`);
      }
    } else {
      report.accepted += 1;
      await settle(test);
    }
  });
  const examples = everyFieldCases(operation).map((mutation) => [mutation] as [typeof mutation]);
  const result = await fc.check(property, {
    seed: settings.seed,
    numRuns: settings.runs + examples.length,
    examples,
    endOnFailure: true,
  });
  if (result.failed)
    report.failure = String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance);
  const chain = await test.app.get(AuditService).verify();
  if (!chain.ok && !report.failure) report.failure = `audit chain broken: ${JSON.stringify(chain)}`;
  return report;
}
