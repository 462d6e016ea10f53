import type AdminJS from 'adminjs';
import { ADMIN_JS_TMP_DIR, componentsBundler, generateUserComponentEntry } from 'adminjs/bundler';
import { bundleCommonjsStrictly } from './strict-commonjs-bundling.js';

/**
 * Builds the panel's component bundle now, where AdminJS's development path would build it at the first request
 * for components.bundle.js (`.adminjs/bundle.js`, which that route then serves as it is). Bundling takes tens of
 * seconds on a small machine: a host (or a test) that calls this before it opens the panel never waits on a page
 * that has no components yet. Production hosts bundle ahead of time with @adminjs/bundler instead.
 */
export async function bundleAdminComponents(admin: AdminJS): Promise<void> {
  bundleCommonjsStrictly();
  await componentsBundler.createEntry({ content: generateUserComponentEntry(admin, ADMIN_JS_TMP_DIR) });
  await componentsBundler.build();
}
