import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { Credentials, loadCredentials } from '../../src/transport/credentials.js';

const SECRET = 'Zq9-credentials-secret-7781';

function credFile(text: string, mode = 0o600): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rb-cred-')), 'credentials.yaml');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadCredentials', () => {
  const twoProfiles = `default:\n  appId: a1\n  appSecret: ${SECRET}\n  userId: u1\nprod:\n  appId: a2\n  appSecret: ${SECRET}2\n  userId: u2\n`;

  it.each([0o640, 0o604, 0o660, 0o777])('refuses a file with mode %o, naming the file and chmod 600', (mode) => {
    const file = credFile(twoProfiles, mode);
    const e = thrown(() => loadCredentials({ env: {}, file }));
    expect(e.message).toContain(file);
    expect(e.message).toContain(`chmod 600 ${file}`);
    expect(e.message).not.toContain(SECRET);
  });

  it('picks a profile by option, by POLYV_PROFILE, and finds the file through POLYV_CREDENTIALS_FILE', () => {
    const file = credFile(twoProfiles);
    expect(loadCredentials({ env: {}, file, profile: 'prod' }).appId).toBe('a2');
    expect(loadCredentials({ env: { POLYV_CREDENTIALS_FILE: file, POLYV_PROFILE: 'prod' } }).userId).toBe('u2');
    expect(loadCredentials({ env: { POLYV_CREDENTIALS_FILE: file } }).appId).toBe('a1');
    // An explicit profile wins over credentials in the environment.
    expect(
      loadCredentials({ env: { POLYV_APP_ID: 'e', POLYV_APP_SECRET: 's', POLYV_USER_ID: 'u', POLYV_CREDENTIALS_FILE: file }, profile: 'prod' }).appId,
    ).toBe('a2');
  });

  it('accepts profiles under a "profiles" key, and the default path under HOME', () => {
    const file = credFile(`profiles:\n  default:\n    appId: p1\n    appSecret: ${SECRET}\n    userId: u\n`);
    expect(loadCredentials({ env: {}, file }).appId).toBe('p1');
    const home = mkdtempSync(join(tmpdir(), 'rb-home-'));
    const e = thrown(() => loadCredentials({ env: { HOME: home, POLYV_APP_ID: 'x' } }));
    expect(e.message).toContain(join(home, '.config', 'runbook', 'credentials.yaml'));
    expect(e.message).toContain('POLYV_APP_SECRET, POLYV_USER_ID');
    expect(e.message).not.toMatch(/POLYV_APP_ID[,.]/);
  });

  it('never quotes the secret when a file or profile is malformed', () => {
    for (const text of [
      `default:\n  appId: a\n  appSecret: ${SECRET}\n   userId: [u\n`,
      `default: {appId: a, appSecret: "${SECRET}", userId: }\n`,
      `default:\n  appSecret: ${SECRET}\n`,
    ]) {
      const e = thrown(() => loadCredentials({ env: {}, file: credFile(text) }));
      expect(`${e.message}\n${inspect(e)}`).not.toContain(SECRET);
    }
  });

  it('holds the secret so that printing the credentials cannot show it', () => {
    const c = new Credentials('a', SECRET, 'u', 'test');
    for (const t of [
      String(c),
      `${c}`,
      JSON.stringify(c),
      JSON.stringify({ nested: c }),
      inspect(c),
      inspect({ c }, { showHidden: true, depth: 5 }),
      Object.keys(c).join(),
    ]) {
      expect(t).not.toContain(SECRET);
    }
    expect(c.sign({ a: 1 })).toMatch(/^[0-9A-F]{32}$/);
  });
});

describe('credentials files that are not files', () => {
  it('a FIFO is refused at once, not waited on (it would block the only thread, deaf to Ctrl-C)', () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'rb-fifo-')), 'credentials.yaml');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const started = Date.now();
    expect(thrown(() => loadCredentials({ env: {}, file: fifo })).message).toMatch(/not a regular file/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a folder or a device is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-credd-'));
    chmodSync(dir, 0o700);
    expect(thrown(() => loadCredentials({ env: {}, file: dir })).message).toMatch(/not a regular file/);
    expect(thrown(() => loadCredentials({ env: {}, file: '/dev/zero' })).message).toMatch(/not a regular file/);
  });
});
