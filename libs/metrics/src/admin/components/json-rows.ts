// An audit record's JSON columns as table rows (audit-show.tsx), plain TypeScript so jest runs it.

/** A record's JSON column as flat "path → value" rows, whether AdminJS handed it flattened (a.b) or whole. */
export function flatten(params: Record<string, unknown>, prefix: string): [string, unknown][] {
  const rows: [string, unknown][] = [];
  const walk = (path: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(path ? `${path}.${key}` : key, inner);
    } else rows.push([path, value]);
  };
  for (const [key, value] of Object.entries(params)) {
    if (key === prefix) walk('', value);
    else if (key.startsWith(`${prefix}.`)) walk(key.slice(prefix.length + 1), value);
  }
  return rows;
}
