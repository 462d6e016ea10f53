import type { Provider } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Metric, Registry } from 'prom-client';
import { loadOptionalPackage } from '../common/optional-package.js';
import { InjectMetricsOptions, METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { PROMETHEUS_ENDPOINT, type PrometheusEndpointSettings } from './prometheus-endpoint.settings.js';

export type PromClient = typeof import('prom-client');
const PROM_CLIENT = Symbol('PROM_CLIENT');

/** prom-client (an optional peer), loaded only when the host asks for Prometheus: the option or the scrape route. */
export const PROM_CLIENT_PROVIDER: Provider = {
  provide: PROM_CLIENT,
  inject: [METRICS_OPTIONS, PROMETHEUS_ENDPOINT],
  useFactory: (options: ResolvedMetricsOptions, endpoint: PrometheusEndpointSettings): Promise<PromClient | null> =>
    options.prometheus || endpoint.enabled
      ? loadOptionalPackage(
          'prom-client',
          'Prometheus metrics (the prometheus or prometheusEndpoint option)',
          () => import('prom-client'),
        )
      : Promise.resolve(null),
};

/** Stands in for a prom-client metric while Prometheus is off: every call does nothing. */
const inert = <T>(): T => new Proxy({}, { get: () => () => undefined }) as T;

/**
 * The module's own prom-client registry (what its optional /metrics route serves), plus the host's registry when
 * the `prometheus` option asks for the counters there too. The module never writes to prom-client's global default
 * registry unless the host says `prometheus: true`, so a host keeps its own /metrics as it was. With Prometheus
 * off, prom-client is not loaded and the metrics are inert.
 */
@Injectable()
export class MetricsPrometheus {
  /** The module's own registry; null while Prometheus is off. */
  readonly registry: Registry | null;
  private readonly registries: Registry[];

  constructor(
    @InjectMetricsOptions() options: ResolvedMetricsOptions,
    @Inject(PROM_CLIENT) private readonly client: PromClient | null,
  ) {
    this.registry = client ? new client.Registry() : null;
    const host =
      !client || !options.prometheus
        ? []
        : [options.prometheus === true ? client.register : options.prometheus.registry];
    this.registries = this.registry ? [this.registry, ...host] : [];
  }

  /**
   * A metric registered in every registry. A host registry shared by several app instances in one process (tests,
   * or prom-client's default) already holds it: that one is reused, since prom-client refuses a second metric of
   * the same name.
   */
  metric<T extends Metric>(name: string, create: (client: PromClient, registers: Registry[]) => T): T {
    if (!this.client) return inert<T>();
    const existing = this.registries.map((registry) => registry.getSingleMetric(name)).find(Boolean) as T | undefined;
    if (!existing) return create(this.client, this.registries);
    for (const registry of this.registries) if (!registry.getSingleMetric(name)) registry.registerMetric(existing);
    return existing;
  }

  /** A metric in the module's own registry only (what the scrape route alone serves). */
  ownMetric<T extends Metric>(create: (client: PromClient, registers: Registry[]) => T): T {
    return this.client && this.registry ? create(this.client, [this.registry]) : inert<T>();
  }
}
