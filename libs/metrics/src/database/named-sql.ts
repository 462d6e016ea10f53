/**
 * SQL with named parameters (`:name`), compiled to PostgreSQL's positional `$n`.
 * Only the parameters a statement uses are bound, so PostgreSQL never sees an unreferenced one.
 */
export interface CompiledSql {
  text: string;
  values: unknown[];
}

const NAMED_PARAM = /(?<![:\w]):([a-z][a-z0-9_]*)/g;

export function compileSql(text: string, params: Record<string, unknown>): CompiledSql {
  const positions = new Map<string, number>();
  const values: unknown[] = [];
  const compiled = text.replace(NAMED_PARAM, (_match, name: string) => {
    if (!(name in params)) throw new Error(`SQL parameter :${name} has no value`);
    let position = positions.get(name);
    if (position === undefined) {
      values.push(params[name]);
      position = values.length;
      positions.set(name, position);
    }
    return `$${position}`;
  });
  return { text: compiled, values };
}

/**
 * The same text with each named parameter written as a literal, for a statement that takes no bind parameters
 * (`COPY … TO STDOUT`). `literal` quotes a value (the driver's `escapeLiteral`); only text values are accepted, so
 * nothing is ever written into the SQL unquoted.
 */
export function inlineSql(text: string, params: Record<string, unknown>, literal: (value: string) => string): string {
  return text.replace(NAMED_PARAM, (_match, name: string) => {
    const value = params[name];
    if (typeof value !== 'string') throw new Error(`SQL parameter :${name} must be text to be written as a literal`);
    return literal(value);
  });
}

/** Quotes an SQL identifier (a column or table name built from our own catalog keys). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
