import { type ArgumentMetadata, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** A 400 that names each bad parameter and why. */
export function badRequest(errors: FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: errors.map((error) => `${error.field}: ${error.message}`).join('; '),
    errors,
  });
}

/** Deeper than any DTO of the module: a client sending more is hostile or broken, and deep values cost stack. */
export const MAX_INPUT_DEPTH = 8;
/** Keys that class-transformer skips silently and that would reach the prototype if anything merged them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks a parsed body or query without recursion (a 100,000-deep array must not overflow the stack) and
 * returns the first problem: too deep, or a prototype key.
 */
export function inputShapeProblem(value: unknown, root: string): FieldError | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH)
      return { field: path, message: `is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)` };
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return { field, message: 'is not an allowed field name' };
      pending.push({ value: (current as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * class-validator DTOs, unknown fields refused, every refusal a 400 naming the field. Before the DTO sees it, a
 * body must be a JSON object, and no input may be deeper than MAX_INPUT_DEPTH or carry prototype keys.
 */
class MetricsValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && metadata.metatype !== Object;
    // No body at all is an empty object to the DTO, so the answer names each missing field.
    if (isDto && metadata.type === 'body' && value === undefined) value = {};
    if (isDto && (metadata.type === 'body' || metadata.type === 'query')) {
      if (metadata.type === 'body' && (value === null || typeof value !== 'object' || Array.isArray(value)))
        throw badRequest([{ field: 'body', message: 'must be a JSON object' }]);
      const problem = inputShapeProblem(value, '');
      if (problem) throw badRequest([problem]);
    }
    return super.transform(value, metadata);
  }
}

export const metricsValidationPipe = new MetricsValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  exceptionFactory: (errors) => badRequest(flatten(errors)),
});

/** For routes that take no query parameters: any parameter is refused by name rather than ignored. */
export class NoQueryDto {}
