/**
 * The tenant filter, written one way everywhere: the predicate text is chosen here from the value (a tenant or
 * none), so the database sees `=` or `IS NULL`, never `IS NOT DISTINCT FROM` or `(:tenant IS NULL OR …)`, which
 * PostgreSQL cannot match to an index. This way the snapshot's unique key (environment, tenant_id, bucket_type,
 * bucket_date) finds one scope's rows without reading the others. The parameter named `param` carries the tenant
 * when there is one; a statement without a tenant does not name it (only named parameters are bound).
 *
 * Three questions, three functions:
 * - `tenantIs`: one scope, the tenant's rows or, with none, the global view's (tenant_id NULL);
 * - `tenantIfGiven`: the tenant's rows, or with none every row (the global view and every tenant);
 * - `tenantAmong`: the rows of a list of tenants, or with no list every row.
 * A scope fixed in the SQL itself is written out: `tenant_id IS NULL` (the global view), `IS NOT NULL` (every tenant).
 */
export function tenantIs(column: string, tenant: string | null | undefined, param = 'tenant'): string {
  return tenant === null || tenant === undefined ? `${column} IS NULL` : `${column} = :${param}::varchar`;
}

/** `column` is the tenant asked for; with none, no row is filtered out (`TRUE`). */
export function tenantIfGiven(column: string, tenant: string | null | undefined, param = 'tenant'): string {
  return tenant === null || tenant === undefined ? 'TRUE' : `${column} = :${param}::varchar`;
}

/** `column` is one of the tenants listed; with no list (null), no row is filtered out (`TRUE`). */
export function tenantAmong(column: string, tenants: readonly string[] | null | undefined, param = 'tenants'): string {
  return tenants === null || tenants === undefined ? 'TRUE' : `${column} = ANY(:${param}::varchar[])`;
}
