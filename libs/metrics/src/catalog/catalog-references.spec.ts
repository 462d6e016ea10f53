import { getMetadataArgsStorage } from 'typeorm';
import { CHARTS, KPIS, MRR_MOVEMENTS, SEMANTIC_COLORS, chartMetrics } from '../admin/components/dashboard-spec.js';
import { SNAPSHOT_LIST_METRICS } from '../admin/admin-resources.js';
import { DEFAULT_ANOMALY_METRICS, resolveAlertsSettings } from '../alerts/alerts.options.js';
import { builtInRules } from '../alerts/threshold-alerts.js';
import { COMPARED_METRICS } from '../billing/conventions-compare.service.js';
import { factSubqueries } from '../sql/source-facts.js';
import { BUCKET_FIRST_USERS } from '../sql/daily-work.sql.js';
import { SourceRelations } from '../sql/source-relations.js';
import { MetricsConfigEntity } from '../entities/config.entity.js';
import { BUCKET_FACTS, FACTS, findFact, foldsHistory, isBucketFact } from './facts/fact-registry.js';
import { METRIC_CATALOG, findMetric, isPublicMetricKey } from './metric-catalog.js';

/**
 * Every name that one part of the module uses to reach another resolves: the catalog's rules to the fact
 * registry, the catalog to itself, the fact registry to the compute's fact queries, and the keys the dashboard,
 * the alerts, the admin resources and the conventions comparison name in code to public catalog metrics. The
 * compiler checks most of this (FactName, MetricKey); this also covers what it cannot (keys built at run time,
 * the panel's files, which tsc does not compile), and says which name is wrong.
 */
describe('catalog references', () => {
  const configColumns = new Set(
    getMetadataArgsStorage()
      .columns.filter((column) => column.target === MetricsConfigEntity)
      .map((column) => column.propertyName),
  );

  it('has each fact once, and each fact query yields exactly its registered facts, of one source', () => {
    const names = FACTS.map((fact) => fact.name);
    expect(new Set(names).size).toBe(names.length);
    const subqueries = factSubqueries(new SourceRelations({}));
    expect(subqueries.flatMap((subquery) => subquery.facts).sort()).toEqual([...names].sort());
    for (const subquery of subqueries) {
      expect(subquery.facts.length).toBeGreaterThan(0);
      for (const name of subquery.facts) {
        expect([name, findFact(name)!.source]).toEqual([name, subquery.source]);
        // The alias the compute reads is the registered name; history counts on the eve where it is folded.
        expect(subquery.sql).toContain(` AS ${name}`);
        expect([name, subquery.sql.includes('greatest(')]).toEqual([name, foldsHistory(findFact(name)!.query)]);
      }
    }
  });

  it('resolves every rule of every metric: facts of its own source, bucket facts, metrics, configuration fallbacks', () => {
    const problems: string[] = [];
    const metricOf = (metric: string, key: string, role: string) => {
      if (!findMetric(key)) problems.push(`${metric}: ${role} ${key} is not a catalog metric`);
    };
    for (const metric of METRIC_CATALOG) {
      const rule = metric.daily;
      const factName = 'fact' in rule ? rule.fact : 'cumulative' in rule ? rule.cumulative : undefined;
      if (factName !== undefined) {
        const fact = findFact(factName);
        if (!fact) problems.push(`${metric.key}: fact ${factName} is not in the fact registry`);
        else if (fact.source !== metric.source) {
          problems.push(`${metric.key}: source ${metric.source} but fact ${factName} comes from ${fact.source}`);
        } else if ('cumulative' in rule && !foldsHistory(fact.query)) {
          // A running total of a fact that starts at the work range would restart with each computed chunk.
          problems.push(`${metric.key}: running total of ${factName}, whose query does not fold history`);
        }
      }
      if ('bucketFact' in rule && !isBucketFact(rule.bucketFact)) {
        problems.push(`${metric.key}: bucket fact ${rule.bucketFact} is not computed`);
      }
      if (metric.bucketFact !== undefined && !isBucketFact(metric.bucketFact)) {
        problems.push(`${metric.key}: bucket fact ${metric.bucketFact} is not computed`);
      }
      if ('previousDay' in rule) metricOf(metric.key, rule.previousDay, 'previousDay');
      if (metric.configFallback !== undefined) {
        if (!configColumns.has(metric.configFallback)) {
          problems.push(`${metric.key}: configuration field ${metric.configFallback} does not exist`);
        }
        if (metric.source !== 'billing') problems.push(`${metric.key}: only a billing metric has a fallback`);
      }
      if (metric.ratio) {
        metricOf(metric.key, metric.ratio.numerator, 'numerator');
        metricOf(metric.key, metric.ratio.denominator, 'denominator');
      }
      if (metric.kind === 'ratio' && !('derived' in rule)) problems.push(`${metric.key}: a ratio is derived`);
    }
    expect(problems).toEqual([]);
  });

  it('reads every registered fact and bucket fact from some metric (none is computed for nothing)', () => {
    const read = new Set(
      METRIC_CATALOG.flatMap((metric) => {
        const rule = metric.daily;
        return [
          'fact' in rule ? rule.fact : 'cumulative' in rule ? rule.cumulative : undefined,
          'bucketFact' in rule ? rule.bucketFact : metric.bucketFact,
        ];
      }),
    );
    // The work table's per-day counts that a week's and a month's active users (a bucket fact) are summed from.
    for (const fact of Object.values(BUCKET_FIRST_USERS)) read.add(fact);
    expect(FACTS.map((fact) => fact.name).filter((name) => !read.has(name))).toEqual([]);
    expect(BUCKET_FACTS.filter((name) => !read.has(name))).toEqual([]);
  });

  it('names only catalog metrics in the dashboard, the alerts, the admin list and the comparison', () => {
    const config = Object.assign(new MetricsConfigEntity(), {
      churn_spike_threshold_pct: '5',
      payment_failure_threshold: 3,
      error_rate_threshold_pct: '2',
      job_failure_rate_threshold_pct: '10',
    });
    const builtIn = builtInRules(config).map((rule) => rule.metric);
    expect(builtIn).toHaveLength(4);
    const named: Record<string, readonly string[]> = {
      kpis: KPIS.map((kpi) => kpi.key),
      charts: CHARTS.flatMap((chart) => [
        ...chartMetrics(chart),
        ...(chart.rightAxis ?? []),
        ...(chart.negative ?? []),
      ]),
      mrr_movements: MRR_MOVEMENTS.map((movement) => movement.key),
      semantic_colors: Object.keys(SEMANTIC_COLORS),
      anomaly_defaults: DEFAULT_ANOMALY_METRICS,
      built_in_thresholds: builtIn,
      snapshot_list: SNAPSHOT_LIST_METRICS,
    };
    const unknown = Object.entries(named).flatMap(([where, keys]) =>
      keys.filter((key) => !isPublicMetricKey(key)).map((key) => `${where}: ${key}`),
    );
    expect(unknown).toEqual([]);
    // The comparison reads snapshot columns, the opening MRR (internal) among them.
    expect(COMPARED_METRICS.filter((key) => !findMetric(key))).toEqual([]);
    // Each chart draws what it puts on the right axis or below zero.
    for (const chart of CHARTS) {
      const drawn = chartMetrics(chart);
      expect([...(chart.rightAxis ?? []), ...(chart.negative ?? [])].filter((key) => !drawn.includes(key))).toEqual([]);
    }
  });

  it('refuses to start with an anomaly option that names no metric, naming the option and the key', () => {
    expect(() => resolveAlertsSettings({ anomaly: { metrics: ['dau', 'daily_actives' as 'dau'] } })).toThrow(
      'alerts.anomaly.metrics: not public catalog metric keys (GET catalog): daily_actives',
    );
    expect(() =>
      resolveAlertsSettings({ anomaly: { minAbsoluteChange: { percent: 1, dollars: 5 } as never } }),
    ).toThrow('alerts.anomaly.minAbsoluteChange: neither a unit nor a catalog metric key: dollars');
    // An internal component (stored for re-aggregation) is not watched either.
    expect(() => resolveAlertsSettings({ anomaly: { metrics: ['mrr_at_start'] } })).toThrow(
      'alerts.anomaly.metrics: not public catalog metric keys (GET catalog): mrr_at_start',
    );
    const settings = resolveAlertsSettings({ anomaly: { metrics: ['dau'], minAbsoluteChange: { dau: 7, count: 3 } } });
    expect(settings.anomaly.metrics).toEqual(['dau']);
    expect(settings.anomaly.minAbsoluteChange.dau).toBe(7);
    expect(settings.anomaly.minAbsoluteChange.count).toBe(3);
    expect(settings.anomaly.minAbsoluteChange.percent).toBe(2);
  });
});
