import fc from 'fast-check';
import type { Baseline } from './baselines.js';
import { hostileHeader, hostileJson, hostileParameter, unknownField } from './hostile-values.js';
import type { FuzzOperation, FuzzTarget } from './operations.js';

/** Marks a field or parameter left out of the request. */
export const REMOVED = Symbol('removed');

export type Mutation =
  | { kind: 'field'; target: FuzzTarget; value: unknown }
  | { kind: 'unknown'; in: 'query' | 'body'; name: string; value: unknown }
  | { kind: 'body'; raw: string };

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
  /** Names the refusal must mention (any one of them). */
  names: string[];
}

const MALFORMED = ['{', '{"a":', 'nul', "{'a':1}", '{"a":1}garbage', '\u0000', '[1,2', '{"a":1,"a":2,}', '""'];

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isWrite = (operation: FuzzOperation) => WRITES.has(operation.method);
const takesBody = (operation: FuzzOperation) => operation.hasBody || operation.method !== 'GET';

/** Every mutation of one operation: a hostile value in one input, an unknown input, or a hostile whole body. */
export function mutations(operation: FuzzOperation, longest: number): fc.Arbitrary<Mutation> {
  const field = (target: FuzzTarget): fc.Arbitrary<unknown> => {
    const removable = target.in !== 'path' ? [{ arbitrary: fc.constant(REMOVED), weight: 1 }] : [];
    if (target.in === 'header') return fc.oneof(hostileHeader, ...removable.map((r) => r.arbitrary));
    if (target.in === 'body') return fc.oneof({ arbitrary: hostileJson(longest), weight: 8 }, ...removable);
    return fc.oneof({ arbitrary: hostileParameter(longest), weight: 8 }, ...removable);
  };
  const choices: fc.Arbitrary<Mutation>[] = [];
  if (operation.targets.length > 0)
    choices.push(
      fc
        .constantFrom(...operation.targets)
        .chain((target) => field(target).map((value): Mutation => ({ kind: 'field', target, value }))),
    );
  const where = takesBody(operation) ? 'body' : 'query';
  choices.push(
    fc
      .tuple(unknownField, where === 'body' ? hostileJson(longest) : hostileParameter(longest))
      .map(([name, value]): Mutation => ({ kind: 'unknown', in: where, name, value })),
  );
  if (takesBody(operation))
    choices.push(
      fc
        .oneof(
          fc.constantFrom(...MALFORMED),
          hostileJson(longest)
            .filter((value) => value === null || typeof value !== 'object' || Array.isArray(value))
            .map((value) => JSON.stringify(value) ?? 'null'),
        )
        .map((raw): Mutation => ({ kind: 'body', raw })),
    );
  return fc.oneof(...choices);
}

/**
 * Cases tried for every input before the random ones, so that each field of each operation certainly gets a
 * null, a value of the wrong type, an empty string, and an array or an object in place of a scalar.
 */
export function everyFieldCases(operation: FuzzOperation): Mutation[] {
  return operation.targets.flatMap((target): Mutation[] => {
    const values: unknown[] =
      target.in === 'body'
        ? [null, '', 'NaN', -1, true, [1], { a: 1 }]
        : target.in === 'header'
          ? ['', 'x']
          : [[''], ['NaN'], ['-1'], ['a', 'b']];
    return values.map((value) => ({ kind: 'field', target, value }));
  });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const leaf = keys[keys.length - 1];
  if (value === REMOVED) delete node[leaf];
  else Object.defineProperty(node, leaf, { value, enumerable: true, writable: true, configurable: true });
}

/** The baseline body that already holds the object a nested field belongs to. */
function bodyFor(baseline: Baseline, path: string | undefined): Record<string, unknown> {
  const bodies = baseline.bodies ?? [{}];
  const parent = path?.split('.').slice(0, -1) ?? [];
  const holds = (body: Record<string, unknown>) => {
    let node: unknown = body;
    for (const key of parent)
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    return parent.length === 0 || (node !== null && typeof node === 'object');
  };
  return structuredClone(bodies.find(holds) ?? bodies[0]);
}

/** The HTTP request of one mutation of one operation (prefix already in the operation's path). */
export function requestOf(operation: FuzzOperation, baseline: Baseline, mutation: Mutation): FuzzRequest {
  const query = new URLSearchParams(baseline.query);
  const pathValues: Record<string, string> = { ...baseline.path };
  const headers: Record<string, string> = { ...baseline.headers };
  const body: Record<string, unknown> | undefined = takesBody(operation)
    ? bodyFor(baseline, mutation.kind === 'field' && mutation.target.in === 'body' ? mutation.target.name : undefined)
    : undefined;
  let raw: string | undefined;
  let names: string[];
  const asStrings = (value: unknown) => (Array.isArray(value) ? value.map(String) : [String(value)]);
  if (mutation.kind === 'field') {
    const { target, value } = mutation;
    names = [target.name, target.name.split('.').pop()!];
    if (target.in === 'body') setPath(body!, target.name, value);
    else if (target.in === 'header') {
      if (value === REMOVED) delete headers[target.name];
      else headers[target.name] = String(value);
    } else if (target.in === 'path') pathValues[target.name] = asStrings(value)[0];
    else {
      query.delete(target.name);
      if (value !== REMOVED) for (const item of asStrings(value)) query.append(target.name, item);
    }
  } else if (mutation.kind === 'unknown') {
    names = [mutation.name];
    if (mutation.in === 'body') setPath(body!, mutation.name, mutation.value);
    else for (const item of asStrings(mutation.value)) query.append(mutation.name, item);
  } else {
    names = ['body', 'json'];
    raw = mutation.raw;
  }
  if (baseline.refusedFor) names.push(baseline.refusedFor);
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathValues[name] ?? ''));
  const search = query.toString();
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
  return {
    method: operation.method,
    path: search ? `${path}?${search}` : path,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    headers,
    names,
  };
}
