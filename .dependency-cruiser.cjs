/**
 * Import rules for the library, run by `npm run lint:imports` (part of `npm run lint`; about 2 s of CPU).
 * File level: no import cycle. Folder level: no loop of folders importing each other, however long (shared helpers
 * live in common/, below the features). The library's root files (module wiring, options) import every feature by
 * design and are left out of the folder rule; the file rule still covers them.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-file-cycle',
      comment: 'An import cycle between files: move what both need into a file below them (common/, *.types.ts).',
      severity: 'error',
      from: { path: '^libs/metrics/src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'Two folders import each other: move the shared part below both (common/, repositories/).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^libs/metrics/src/.+', pathNot: '^libs/metrics/src/$' },
      to: { circular: true, pathNot: '^libs/metrics/src/$' },
    },
    {
      name: 'sql-builders-below-repositories',
      comment:
        "The compute's statement builders (sql/) are composed by repositories and the compute, never by a reader.",
      severity: 'warn',
      from: { path: '^libs/metrics/src/', pathNot: '^libs/metrics/src/(sql|repositories|sources)/' },
      to: {
        path: '^libs/metrics/src/sql/(rollup|daily-work|bucket-facts|cohorts|snapshot-upsert|source-facts|billing-facts|monthly-rates)',
      },
    },
  ],
  options: {
    // Specs may reach across layers to set up what they test.
    exclude: { path: '\\.spec\\.ts$' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
