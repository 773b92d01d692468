// Bundles the CLI with esbuild. Code splitting keeps heavy modules (ajv, undici, luxon, handlebars)
// in chunks that load only when a command needs them, so `--help` and `--version` stay fast.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/bin.ts', 'cli-test-hooks': 'src/cli/test-hooks-bin.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  define: { __RUNBOOK_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});
