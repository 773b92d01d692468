import { watch, statSync, type FSWatcher } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { isPlaybookName } from './discover.js';
import type { Term } from './term.js';

/** Edits come in bursts (an editor writes a temporary file, renames it): one rescan after the burst. */
const DEBOUNCE_MS = 300;

/**
 * Watches the served folders (recursively) and the folders of every file the term is made of
 * (templates may live outside them). Any change there triggers one rescan; the rescan compares
 * content hashes, so it decides what changed, not the watcher's events.
 */
export function watchTerm(term: Term, paths: readonly string[], cwd: string, log: (line: string) => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const roots = paths.map((p) => resolve(cwd, p)).filter((p) => isDir(p));
  const kick = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void term.rescan().then(() => follow());
    }, DEBOUNCE_MS);
  };
  const add = (dir: string, recursive: boolean): void => {
    if (watchers.has(dir)) return;
    try {
      const w = watch(dir, { recursive, persistent: false }, (_event, name) => {
        // Only playbooks matter: journals, locks and editors' temporary files are not (an editor's
        // save by rename ends with an event for the playbook's own name).
        if (name && !isPlaybookName(String(name))) return;
        kick();
      });
      w.on('error', (err) => log(`watching ${dir} stopped: ${err.message}`));
      watchers.set(dir, w);
    } catch (err) {
      log(`cannot watch ${dir}: ${(err as Error).message}`);
    }
  };
  const follow = (): void => {
    if (closed) return;
    for (const r of roots) add(r, true);
    for (const p of paths.map((x) => resolve(cwd, x)).filter((x) => !isDir(x))) add(dirname(p), false);
    for (const f of term.files()) {
      const d = dirname(f);
      if (!roots.some((r) => d === r || d.startsWith(r + sep))) add(d, false);
    }
  };
  follow();
  return {
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
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
