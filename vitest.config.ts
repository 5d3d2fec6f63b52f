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
    // One module graph per worker, not per file: every file builds its own app and database, and none
    // mocks modules or changes globals, so re-importing Nest, TypeORM and the app for each of ~80 files
    // only cost time (the embedded suite ran 534 s isolated, 253 s not, on the 2-core CI machine).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
