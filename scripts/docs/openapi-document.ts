import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule, metricsDataSourceOptions, setupMetricsOpenApi } from '@exec-metrics/metrics';

/**
 * The OpenAPI document exactly as a host serves it: the module wired the way a host wires it (default route
 * prefix, the optional Prometheus route on), on an in-memory PGlite that is never migrated nor queried (the
 * document only needs the routes). Nothing is listed by hand, so a renamed or added route shows up here.
 */
export async function buildOpenApiDocument(): Promise<OpenAPIObject> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ ...metricsDataSourceOptions({ pgliteDir: 'memory://' }), migrationsRun: false }),
      MetricsModule.forRoot({ schedule: { enabled: false }, prometheusEndpoint: true }),
    ],
  })
  class ReferenceHost {}

  const app = await NestFactory.create(ReferenceHost, { logger: ['error'] });
  try {
    return setupMetricsOpenApi(app, 'api/docs');
  } finally {
    await app.close();
  }
}
