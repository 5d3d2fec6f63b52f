import { defineConfig } from 'vitest/config';

/**
 * Browser tests of the console: the real built server (`npm run test:browser` builds it) on a fresh
 * embedded database, driven by Debian's Chromium through playwright-core. Not part of `npm test`.
 */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test-browser/**/*.browser.spec.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
