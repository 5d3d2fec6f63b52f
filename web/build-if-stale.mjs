// Builds the console (vite) unless dist/console is newer than every input; `--force` always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'sdk', 'package-lock.json'];
const OUTPUT = 'dist/console/index.html';

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

const built = existsSync(OUTPUT) ? statSync(OUTPUT).mtimeMs : 0;
if (!process.argv.includes('--force') && built > Math.max(...INPUTS.map(newestMtime))) {
  console.log('console: dist/console is up to date');
} else {
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts'], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
}
