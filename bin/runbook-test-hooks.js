#!/usr/bin/env node
// The CLI with its crash hooks (src/cli/test-hooks-bin.ts), for the tests and benches only.
await import('../dist/cli-test-hooks.js');
