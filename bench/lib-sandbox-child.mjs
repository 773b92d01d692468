// Runs the sandbox in its own process (so it has its own core), prints its URL, serves until killed.
// argv[2]: JSON options for startSandbox.
import { startSandbox } from '../dist/index.js';
const sb = await startSandbox(JSON.parse(process.argv[2] ?? '{}'));
process.stdout.write(`${sb.url}\n`);
process.on('SIGTERM', () => sb.close().then(() => process.exit(0)));
