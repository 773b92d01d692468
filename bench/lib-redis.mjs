// A throwaway redis-server for the cluster benchmarks (the tests use test/helpers/redis-server.ts,
// which does the same with more controls): a free loopback port, a temp folder, no persistence
// unless asked, killed with this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = process.env.RUNBOOK_REDIS_SERVER ?? 'redis-server';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function ping(port) {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const done = (ok) => (sock.destroy(), resolve(ok));
    sock.setTimeout(500, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** Starts redis-server (`args`: more of its options); resolves to { url, port, dir, stop(), kill(), restart() }. */
export async function startRedis({ persist = false, args: extra = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-bench-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning'];
  args.push(...(persist ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']), ...extra);
  let child;
  const launch = async () => {
    child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', (e) => {
      console.error(`cannot start ${BIN}: ${e.message} — install Debian's redis-server (apt-get install redis-server)`);
      process.exit(2);
    });
    for (let i = 0; i < 400; i++) {
      if (await ping(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server on port ${port} did not answer PING`);
  };
  const signal = (sig) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(sig);
    });
  await launch();
  process.once('exit', () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await launch();
    },
  };
}
