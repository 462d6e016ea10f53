import { Inject, Injectable } from '@nestjs/common';
import { register as defaultRegistry, Registry, type Metric } from 'prom-client';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';

/**
 * The module's own prom-client registry (what its optional /metrics route serves), plus the host's registry when
 * the `prometheus` option asks for the counters there too. The module never writes to prom-client's global default
 * registry unless the host says `prometheus: true`, so a host keeps its own /metrics as it was.
 */
@Injectable()
export class MetricsPrometheus {
  readonly registry = new Registry();
  private readonly registries: Registry[];

  constructor(@Inject(METRICS_OPTIONS) options: ResolvedMetricsOptions) {
    const host = !options.prometheus
      ? []
      : [options.prometheus === true ? defaultRegistry : options.prometheus.registry];
    this.registries = [this.registry, ...host];
  }

  /**
   * A metric registered in every registry. A host registry shared by several app instances in one process (tests,
   * or prom-client's default) already holds it: that one is reused, since prom-client refuses a second metric of
   * the same name.
   */
  metric<T extends Metric>(name: string, create: (registers: Registry[]) => T): T {
    const existing = this.registries.map((registry) => registry.getSingleMetric(name)).find(Boolean) as T | undefined;
    if (!existing) return create(this.registries);
    for (const registry of this.registries) if (!registry.getSingleMetric(name)) registry.registerMetric(existing);
    return existing;
  }
}
