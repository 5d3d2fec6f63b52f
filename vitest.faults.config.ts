import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * The fault tier (`npm run test:faults`), not part of `npm test`: built instances run as child
 * processes on a private PostgreSQL cluster and are killed, drained and starved on purpose. Loopback
 * only, one file at a time, bounded (the whole tier well under 4 minutes).
 */
export default defineConfig({
  plugins: [swc.vite()],
  test: {
    include: ['test/faults/**/*.spec.ts'],
    setupFiles: ['reflect-metadata'],
    globalSetup: ['test/faults/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
