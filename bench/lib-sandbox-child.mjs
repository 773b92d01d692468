// Runs the sandbox in its own process (so it has its own core), prints its URL, serves until killed.
// argv[2]: JSON options for startSandbox. The process is the sandbox's own, so, as `runbook sandbox`
// does, it collects its young garbage between bursts (SandboxOptions.onIdle), unless the options say
// `"noIdleGc": true`.
import { startSandbox, youngCollector } from '../dist/index.js';
const { noIdleGc, ...options } = JSON.parse(process.argv[2] ?? '{}');
const onIdle = noIdleGc ? undefined : youngCollector();
const sb = await startSandbox({ ...options, ...(onIdle ? { onIdle } : {}) });
process.stdout.write(`${sb.url}\n`);
process.on('SIGTERM', () => sb.close().then(() => process.exit(0)));
