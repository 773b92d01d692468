import { execFileSync } from 'node:child_process';

/** Integration tests run the real, bundled CLI (bin/runbook.js → dist/), so build it first. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
