/**
 * `column` is the scope asked for: the tenant's rows, or the global view's (tenant_id NULL). Written as `=` or
 * `IS NULL` rather than `IS NOT DISTINCT FROM`, which PostgreSQL cannot match to an index: this way the snapshot's
 * unique key (environment, tenant_id, bucket_type, bucket_date) finds one scope's rows without reading the others.
 * The parameter named `param` carries the tenant when there is one.
 */
export function tenantIs(column: string, tenant: string | null | undefined, param = 'tenant'): string {
  return tenant === null || tenant === undefined ? `${column} IS NULL` : `${column} = :${param}::varchar`;
}
