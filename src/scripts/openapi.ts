import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app.factory.js';
import { loadConfig } from '../platform/config/app-config.js';
import { buildOpenApiDocument } from '../platform/http/openapi.js';

/** Writes openapi.json from the code, or with --check fails when the committed one differs. */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetgate-openapi-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', JOBS_ENABLED: 'false' });
  const { app, close } = await createApp({ config });
  try {
    const generated = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
    if (process.argv.includes('--check')) {
      const committed = readFileSync('openapi.json', 'utf8');
      if (committed !== generated) {
        process.stderr.write('openapi.json is stale: run `npm run build && npm run openapi` and commit it.\n');
        process.exitCode = 1;
      }
    } else {
      writeFileSync('openapi.json', generated);
    }
  } finally {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
