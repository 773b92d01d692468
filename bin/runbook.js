#!/usr/bin/env node
// Fast path: `--version` answers before any module is parsed.
import { readFileSync } from 'node:fs';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  await import('../dist/cli.js');
}
