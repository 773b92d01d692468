import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('runbook plan FILE --html OUT', () => {
  it('writes the timeline picture as one static page: a mark per action, the calls redacted, no script', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rb-html-')), 'review', 'lesson-03.html');
    const r = await runCli(['plan', 'examples/lessons/lesson-03-every-kind.yaml', '--html', out, '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { actions: { id: string; kind: string }[] };
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    const marks = [...html.matchAll(/class="mark mark-(\w+) state-pending" data-id="([^"]+)"/g)];
    expect(marks.map((m) => m[2]).sort()).toEqual(plan.actions.map((a) => a.id).sort());
    for (const m of marks) expect(m[1]).toBe(plan.actions.find((a) => a.id === m[2])!.kind);
    expect(html).toContain('sign=&lt;redacted&gt;');
    expect(html).not.toMatch(/\b[0-9A-F]{32}\b/);
  });

  it('writes nothing for an invalid playbook', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rb-html-')), 'x.html');
    const r = await runCli(['plan', 'examples/invalid/unknown-variable.yaml', '--html', out]);
    expect(r.code).toBe(1);
    expect(() => readFileSync(out)).toThrow();
  });
});
