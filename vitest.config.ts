import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [swc.vite()],
  test: {
    include: ['test/**/*.spec.ts', 'src/**/*.spec.ts'],
    // the fault tier runs on its own: npm run test:faults (vitest.faults.config.ts)
    exclude: ['test/faults/**', '**/node_modules/**'],
    setupFiles: ['reflect-metadata'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
