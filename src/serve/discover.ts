import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { msg } from '../i18n/index.js';

/** Folders never searched for playbooks: state folders, VCS data, dependencies. */
const SKIP_DIR = /^(\..*|node_modules)$/;

/**
 * Every playbook (`*.yaml`, `*.yml`) under the given paths: a file is taken as it is, a folder is
 * searched recursively (hidden folders such as `.runbook/` and `.git/`, and `node_modules/`, are
 * left out). Sorted, absolute, without duplicates. A path that does not exist is a usage error.
 */
export function discoverPlaybooks(paths: readonly string[], cwd: string): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue; // vanished meanwhile, or a dangling link
      }
      if (st.isDirectory()) {
        if (!SKIP_DIR.test(name)) walk(p);
      } else if (isPlaybookName(name)) out.add(p);
    }
  };
  for (const given of paths) {
    const p = resolve(cwd, given);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(msg('serve.discover.noSuchPath', { path: given }));
    }
    if (st.isDirectory()) walk(p);
    else out.add(p);
  }
  return [...out].sort();
}

/** Every folder searched for playbooks under the given paths (the folders themselves included), for the watcher. */
export function playbookFolders(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    out.push(dir);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return; // vanished meanwhile
    }
    for (const name of names) {
      if (SKIP_DIR.test(name)) continue;
      const p = join(dir, name);
      try {
        if (statSync(p).isDirectory()) walk(p);
      } catch {
        continue;
      }
    }
  };
  for (const given of paths) {
    const p = resolve(cwd, given);
    try {
      if (statSync(p).isDirectory()) walk(p);
    } catch {
      continue;
    }
  }
  return out;
}

export function isPlaybookName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}
