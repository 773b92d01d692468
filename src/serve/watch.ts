import { watch, statSync, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPlaybookName, playbookFolders } from './discover.js';
import type { Term } from './term.js';
import { msg, type Msg } from '../i18n/index.js';

/** Edits come in bursts (an editor writes a temporary file, renames it): one rescan after the burst. */
const DEBOUNCE_MS = 300;

/** The safety net: a rescan this often even when no event came (one lost event never hides an edit for long). */
const RESCAN_MS = 5000;

/**
 * Watches every folder the term's playbooks live in, each on its own (not `recursive`), plus the
 * folders of files given by name and of templates outside the paths. A folder is watched, never a
 * file: a save by rename-over (editors, `sed -i`, `git checkout`) puts a new file under the old
 * name, and a watch on the file (which follows its inode — Node's recursive watch on Linux does
 * that) goes deaf to every later save. A folder's watch sees writes in place, truncate+write and
 * renames into it alike.
 *
 * Only events naming a playbook (`*.yaml`, `*.yml`) or a new folder trigger a rescan: journals,
 * locks, exports' temporary files and editors' swap files do not. The rescan compares content
 * hashes, so it decides what changed, not the events; a rescan every RESCAN_MS catches whatever
 * an event missed (a watch limit reached, a network file system), and costs a stat per file when
 * nothing changed.
 */
export function watchTerm(term: Term, paths: readonly string[], cwd: string, log: (line: Msg) => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const given = paths.map((p) => resolve(cwd, p));
  const kick = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void term.rescan().then(() => follow());
    }, DEBOUNCE_MS);
  };
  const add = (dir: string): void => {
    if (watchers.has(dir)) return;
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null) return kick(); // the platform did not say which: look
        const n = String(name);
        if (isPlaybookName(n) || (!n.startsWith('.') && isDir(join(dir, n)))) kick();
      });
      w.on('error', (err) => {
        // A removed folder: forget its watch, so it is watched again if it comes back.
        watchers.delete(dir);
        w.close();
        if (isDir(dir)) log(msg('serve.log.watchStopped', { dir, error: err.message }));
      });
      watchers.set(dir, w);
    } catch (err) {
      if (isDir(dir)) log(msg('serve.log.cannotWatch', { dir, error: (err as Error).message }));
    }
  };
  const follow = (): void => {
    if (closed) return;
    for (const d of playbookFolders(given, cwd)) add(d);
    for (const p of given.filter((x) => !isDir(x))) add(dirname(p));
    for (const f of term.files()) add(dirname(f));
    // Folders that are gone: their watch is closed (an `rm -r` of a lesson folder).
    for (const [d, w] of watchers) {
      if (isDir(d)) continue;
      w.close();
      watchers.delete(d);
    }
  };
  follow();
  const net = setInterval(() => {
    if (!timer) void term.rescan(true).then(() => follow());
  }, RESCAN_MS);
  net.unref();
  return {
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      clearInterval(net);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
