import { execFileSync } from 'node:child_process';

/** The instances under test are the built server (`node dist/src/main.js`), as in production. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
