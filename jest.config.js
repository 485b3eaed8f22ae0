/** Jest runs the TypeScript sources as ESM (NestJS 12 is ESM-only), compiled by SWC. */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

// Not UTC, and not a whole hour from it: a timestamp written in one zone and read back in another shows up.
process.env.TZ = 'Asia/Kolkata';

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^nestjs-stripe-sync$': '<rootDir>/libs/stripe-sync/src/index.ts',
    '^nestjs-stripe-sync/health$': '<rootDir>/libs/stripe-sync/src/health/index.ts',
    '^nestjs-stripe-sync/metrics$': '<rootDir>/libs/stripe-sync/src/metrics/index.ts',
    '^nestjs-stripe-sync-emulator$': '<rootDir>/libs/stripe-emulator/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 30000,
};
