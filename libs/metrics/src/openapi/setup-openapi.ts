import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document of the app's routes (the metrics routes included), served at `path` and `path-json`. */
export function setupMetricsOpenApi(app: INestApplication, path = 'api/docs'): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Exec Metrics')
    .setDescription('Executive and investor metrics: ingest events, compute snapshots, read summaries and series.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An integration token (admin or ingest scope)' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(path, app, document);
  return document;
}
