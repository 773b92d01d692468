import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executableRealPath, launcherWords, realPath } from '../../src/cli/launcher.js';

/** A folder with bin/runbook.js (the program) and a `node` stand-in, on the real file system. */
function layout(): { root: string; script: string; node: string } {
  const root = realPath(mkdtempSync(join(tmpdir(), 'rb-launcher-')))!;
  mkdirSync(join(root, 'pkg', 'bin'), { recursive: true });
  const script = join(root, 'pkg', 'bin', 'runbook.js');
  writeFileSync(script, '#!/usr/bin/env node\n');
  chmodSync(script, 0o755);
  mkdirSync(join(root, 'nodebin'));
  const node = join(root, 'nodebin', 'node');
  writeFileSync(node, '');
  chmodSync(node, 0o755);
  return { root, script, node };
}

const probe = (env: Record<string, string>, script: string, execPath: string) => ({
  env,
  scriptPath: script,
  execPath,
  cwd: '/',
  executable: executableRealPath,
  realpath: realPath,
});

describe('the words that start runbook again from the user shell', () => {
  it('is `node /abs/bin/runbook.js` when no runbook is on PATH (after npm ci)', () => {
    const { root, script, node } = layout();
    expect(launcherWords(probe({ PATH: `${root}/nodebin:/usr/bin` }, script, node))).toEqual(['node', script]);
  });

  it('skips the node_modules/.bin that npm and npx put on the PATH of what they start', () => {
    const { root, script, node } = layout();
    const npmBin = join(root, 'pkg', 'node_modules', '.bin');
    mkdirSync(npmBin, { recursive: true });
    symlinkSync(script, join(npmBin, 'runbook'));
    expect(launcherWords(probe({ PATH: `${npmBin}:${root}/nodebin` }, script, node))).toEqual(['node', script]);
  });

  it('is `runbook` when the first runbook on PATH is this program (global install, npm link)', () => {
    const { root, script, node } = layout();
    mkdirSync(join(root, 'global'));
    symlinkSync(script, join(root, 'global', 'runbook'));
    expect(launcherWords(probe({ PATH: `${root}/global:${root}/nodebin` }, script, node))).toEqual(['runbook']);
  });

  it('is not `runbook` when the runbook on PATH is another program', () => {
    const { root, script, node } = layout();
    mkdirSync(join(root, 'other'));
    writeFileSync(join(root, 'other', 'runbook'), '');
    chmodSync(join(root, 'other', 'runbook'), 0o755);
    expect(launcherWords(probe({ PATH: `${root}/other:${root}/nodebin` }, script, node))).toEqual(['node', script]);
  });

  it('names node by its absolute path when the node on PATH is not the one running', () => {
    const { script, node } = layout();
    expect(launcherWords(probe({ PATH: '/nonexistent' }, script, node))).toEqual([node, script]);
  });
});
