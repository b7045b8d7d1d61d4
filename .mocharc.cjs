// Every test: unit tests beside the code and integration tests under test/.
// tsx compiles TypeScript on the fly so tests run against the sources.
module.exports = {
  'node-option': ['import=tsx'],
  extension: ['ts'],
  spec: [
    '{bin,lib,topology,processors,schemas,sinks,notifier,api,agent,bench,infra,dashboard,canary}/**/*.test.ts',
    'test/integration/**/*.test.ts',
    'test/browser/**/*.test.ts',
    // The failure drills at their short size (DRILL_SCALE unset); `make drills` runs them full size.
    'test/drills/**/*.test.ts',
  ],
  ignore: ['node_modules/**', 'dist/**', '.local/**'],
  timeout: 30000,
  exit: true,
  reporter: require('node:path').join(__dirname, 'test/support/summary-reporter.cjs'),
};
