import { spawn } from 'node:child_process';

/** Starts the sandbox in a child process; resolves to { url, stop }. */
export function sandboxProcess(options) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./lib-sandbox-child.mjs', import.meta.url).pathname, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', (d) =>
      resolve({
        url: d.toString().trim(),
        stop: () =>
          new Promise((r) => {
            child.once('exit', r);
            child.kill('SIGTERM');
          }),
      }),
    );
    child.once('error', reject);
  });
}
