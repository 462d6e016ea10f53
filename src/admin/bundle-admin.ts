import 'reflect-metadata';
import { bundle } from '@adminjs/bundler';
import { demoMetricsAdmin } from './admin-panel.module.js';

/**
 * Production: bundles AdminJS and the metrics components ahead of time into ./admin-assets, so the server starts
 * without bundling (run it with ADMIN_JS_SKIP_BUNDLE=true; main.ts then serves that folder at /admin-assets/).
 */
const files = await bundle({ componentLoader: demoMetricsAdmin().componentLoader, destinationDir: 'admin-assets' });
console.log(`Bundled ${files.length} files into admin-assets/`);
