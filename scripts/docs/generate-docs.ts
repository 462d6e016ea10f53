import { LATENCY_BUCKETS_MS, METRIC_CATALOG } from '@exec-metrics/metrics';
import { renderApiReference } from './api-reference.js';
import { renderMetricReference } from './metric-reference.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { formatted, staleFiles, writeFiles, type ReferenceFile } from './reference-files.js';

/**
 * `npm run docs:generate` writes the generated reference pages; `npm run docs:check` (part of `npm run lint`)
 * generates them in memory and fails, naming each stale page, when the committed ones differ.
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const root = process.cwd();
  const pages: ReferenceFile[] = [
    { path: 'docs/reference/metrics.md', content: renderMetricReference(METRIC_CATALOG, LATENCY_BUCKETS_MS) },
    { path: 'docs/reference/api.md', content: renderApiReference(await buildOpenApiDocument()) },
  ];
  const files = await Promise.all(pages.map((page) => formatted(root, page)));
  if (!check) {
    await writeFiles(root, files);
    console.log(`Wrote ${files.map((file) => file.path).join(', ')}`);
    return;
  }
  const stale = await staleFiles(root, files);
  if (stale.length > 0) {
    console.error(`Stale generated docs: ${stale.join(', ')}. Run \`npm run docs:generate\` and commit the result.`);
    process.exitCode = 1;
    return;
  }
  console.log(`Generated docs are fresh: ${files.map((file) => file.path).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
