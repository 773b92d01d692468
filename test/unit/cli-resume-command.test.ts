import { describe, expect, it } from 'vitest';
import { resumeCommand, shellQuote } from '../../src/cli/resume-command.js';

describe('the resume command', () => {
  it('reproduces every option that decides the run and its destination, paths absolute, start absolute', () => {
    const cmd = resumeCommand(
      {
        file: 'lessons/l1.yaml',
        start: Date.UTC(2026, 11, 1, 11, 30),
        vars: ['teacher=王老师', "note=it's"],
        varsFile: 'vars.yaml',
        endpoint: 'http://127.0.0.1:9',
        profile: 'prod',
        credentials: 'creds.yaml',
        stateDir: 'state',
      },
      '/home/t',
    );
    expect(cmd).toBe(
      "runbook run /home/t/lessons/l1.yaml --start 2026-12-01T11:30:00.000Z --var 'teacher=王老师' --var 'note=it'\\''s' --vars /home/t/vars.yaml --endpoint http://127.0.0.1:9 --profile prod --credentials /home/t/creds.yaml --state-dir /home/t/state",
    );
  });

  it('keeps --sandbox and absolute paths as they are', () => {
    expect(resumeCommand({ file: '/a b/l.yaml', start: 0, vars: [], sandbox: true }, '/x')).toBe(
      "runbook run '/a b/l.yaml' --start 1970-01-01T00:00:00.000Z --sandbox",
    );
  });

  it('starts with the launcher words, quoted like the rest', () => {
    expect(resumeCommand({ file: '/l.yaml', start: 0, vars: [] }, '/x', ['/opt/node 20/bin/node', '/srv/runbook/bin/runbook.js'])).toBe(
      "'/opt/node 20/bin/node' /srv/runbook/bin/runbook.js run /l.yaml --start 1970-01-01T00:00:00.000Z",
    );
  });

  it('quotes what a shell would change', () => {
    for (const w of ['plain', 'a b', '$HOME', '`x`', "'", 'a;b', '*', '']) expect(shellQuote(w) === w || shellQuote(w).startsWith("'")).toBe(true);
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$HOME')).toBe("'$HOME'");
  });
});
