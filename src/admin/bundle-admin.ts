import 'reflect-metadata';
import { bundle } from '@adminjs/bundler';
import { ADMIN_ASSETS_DIR, precompressAdminAssets } from './admin-assets.js';
import { demoMetricsAdmin } from './admin-panel.module.js';

/**
 * Production: bundles AdminJS and the metrics components ahead of time into ./admin-assets, so the server starts
 * without bundling (run it with ADMIN_JS_SKIP_BUNDLE=true; main.ts then serves that folder at /admin-assets/), with
 * Brotli and gzip copies of each script and stylesheet beside it.
 */
const files = await bundle({ componentLoader: demoMetricsAdmin().componentLoader, destinationDir: ADMIN_ASSETS_DIR });
const compressed = precompressAdminAssets();
console.log(`Bundled ${files.length} files into ${ADMIN_ASSETS_DIR}/ (${compressed} of them also as .br and .gz)`);
