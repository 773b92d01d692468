import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A catalog key or parameter missing at run time fails the test instead of falling back (src/i18n/format.ts).
    env: { RUNBOOK_I18N_STRICT: '1' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Integration tests spawn the built CLI: build once before any test file runs.
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
