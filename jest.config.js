// Jest runs the TypeScript sources directly as ESM; SWC strips types and keeps Nest's decorator metadata.
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
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.TEST_DATABASE_URL ? [] : ['host-package'])],
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
