// Jest runs the TypeScript sources directly as ESM; SWC strips types and keeps Nest's decorator metadata.

/**
 * Suites whose database does not follow TEST_DATABASE_URL, so a run on PostgreSQL repeats them exactly: the unit
 * specs (no database, or the catalog's own PGlite), the suites that start PostgreSQL servers of their own, and those
 * pinned to PGlite (the demo's security headers, the bench's smoke run). CI runs them once, in its PostgreSQL pass:
 * its PGlite pass, the longer one, leaves them out (TEST_SKIP_SAME_ON_BOTH=1).
 */
const SAME_ON_BOTH = [
  '\\.spec\\.ts$',
  ...['backup-restore', 'csv-export', 'faults', 'read-replica', 'schedule-cluster', 'schedule-faults', 'soak']
    .concat(['stripe-faults', 'bench-smoke', 'demo-security'])
    .map((suite) => `/test/${suite}\\.e2e-spec\\.ts$`),
];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/src', '<rootDir>/test', '<rootDir>/scripts'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // Tests, like the demo, import the library by its package name; they run its sources, not a build.
  moduleNameMapper: {
    '^@exec-metrics/metrics$': '<rootDir>/libs/metrics/src/index.ts',
    '^@exec-metrics/metrics/admin$': '<rootDir>/libs/metrics/src/admin/index.ts',
    '^#migrations$': '<rootDir>/migrations/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  // The packed library in a fresh host app needs a real PostgreSQL: it runs with the PostgreSQL suite (npm run test:pg).
  // CI's PGlite pass (TEST_SKIP_SAME_ON_BOTH=1) leaves out what the PostgreSQL pass runs exactly as it would.
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(process.env.TEST_DATABASE_URL ? [] : ['host-package']),
    ...(!process.env.TEST_DATABASE_URL && process.env.TEST_SKIP_SAME_ON_BOTH === '1' ? SAME_ON_BOTH : []),
  ],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/libs/metrics/dist/', '<rootDir>/test/host-app/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 60000,
};
