import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve, sep } from 'node:path';

/** What `launcherWords` needs to know of the process and the file system (injected in unit tests). */
export interface LauncherProbe {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The script node runs (process.argv[1]): bin/runbook.js, or a link to it. */
  readonly scriptPath: string;
  /** The node binary running it (process.execPath). */
  readonly execPath: string;
  readonly cwd: string;
  /** The real path of an executable file, or undefined when there is none at `path`. */
  readonly executable: (path: string) => string | undefined;
  /** The real path of any existing file (links resolved), or undefined. */
  readonly realpath: (path: string) => string | undefined;
}

/**
 * The words that start this program again as the user's own shell would run them, for the printed
 * resume command. `runbook` only when the first `runbook` on the user's PATH is this very program
 * (a global install or `npm link`); otherwise `node /abs/bin/runbook.js`, which runs from any folder.
 * Not `npx runbook`: outside the project folder npx would offer to fetch an unrelated `runbook`
 * package from the registry. PATH entries ending in node_modules/.bin are skipped — npm and npx
 * add them for the processes they start, so a `runbook` found there is not on the user's PATH.
 */
export function launcherWords(p: LauncherProbe): string[] {
  const script = p.realpath(isAbsolute(p.scriptPath) ? p.scriptPath : resolve(p.cwd, p.scriptPath));
  const onPath = (name: string): string | undefined => {
    for (const dir of (p.env['PATH'] ?? '').split(delimiter)) {
      if (dir === '' || !isAbsolute(dir) || dir.endsWith(`${sep}node_modules${sep}.bin`) || dir.endsWith(`node_modules/.bin`)) continue;
      const found = p.executable(join(dir, name));
      if (found !== undefined) return found;
    }
    return undefined;
  };
  if (script !== undefined && onPath('runbook') === script) return ['runbook'];
  const node = onPath('node') === p.realpath(p.execPath) ? 'node' : p.execPath;
  return [node, script ?? resolve(p.cwd, p.scriptPath)];
}

/** The real path of an executable regular file, or undefined. */
export function executableRealPath(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

export function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
