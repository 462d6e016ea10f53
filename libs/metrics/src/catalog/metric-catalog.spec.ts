import { DataSource } from 'typeorm';
import { metricsDataSourceOptions } from '../database/data-source-options.js';
import { METRIC_CATALOG, PUBLIC_METRICS, findMetric } from './metric-catalog.js';

describe('metric catalog', () => {
  it('declares each key once, with every ratio built from metrics of the catalog', () => {
    const keys = METRIC_CATALOG.map((metric) => metric.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const metric of METRIC_CATALOG.filter((m) => m.ratio)) {
      expect(findMetric(metric.ratio!.numerator)).toBeDefined();
      expect(findMetric(metric.ratio!.denominator)).toBeDefined();
    }
    for (const metric of PUBLIC_METRICS) {
      expect(metric.label.length).toBeGreaterThan(0);
      expect(metric.description.length).toBeGreaterThan(0);
    }
  });

  it('has a column of the declared type for every metric in the migrated snapshot table', async () => {
    const dataSource = new DataSource(metricsDataSourceOptions({ pgliteDir: 'memory://' }));
    await dataSource.initialize();
    try {
      const columns = await dataSource.query<{ column_name: string; type: string }[]>(
        `SELECT column_name, format_type(atttypid, atttypmod) AS type
         FROM information_schema.columns c
         JOIN pg_attribute a ON a.attname = c.column_name AND a.attrelid = 'system_metrics_snapshot'::regclass
         WHERE c.table_name = 'system_metrics_snapshot'`,
      );
      const types = new Map(columns.map((column) => [column.column_name, column.type]));
      for (const metric of METRIC_CATALOG) {
        expect([metric.key, types.get(metric.key)]).toEqual([metric.key, metric.column]);
      }
    } finally {
      await dataSource.destroy();
    }
  });
});
