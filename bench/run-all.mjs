// `npm run bench`: builds, then runs every benchmark in bench/ one after another (they share 2 noisy
// cores, so never in parallel). Each prints its own figures; bench/README.md records them.
// Pass names to run a subset: `npm run bench -- version validate-plan`.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const only = process.argv.slice(2);
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
const benches = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.mjs') && f !== 'run-all.mjs' && !f.startsWith('lib-') && !f.startsWith('gen-'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  try {
    execFileSync(process.execPath, [`bench/${bench}`], { cwd: root, stdio: 'inherit' });
  } catch {
    failed += 1;
    console.log(`(${bench} failed)`);
  }
}
process.exitCode = failed ? 1 : 0;
