import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { parse } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { msg } from '../i18n/index.js';
import { polyvSign, type SignValue } from '../polyv/sign.js';

const REDACTED = '<redacted>';

/**
 * The account's credentials. The secret is kept in a private field and never leaves this object:
 * it signs parameters here, and every way of printing or serialising the object redacts it.
 */
export class Credentials {
  readonly #secret: string;
  constructor(
    readonly appId: string,
    appSecret: string,
    readonly userId: string,
    /** Where they came from, for messages: "environment" or "file ~/.config/... profile default". */
    readonly source: string,
  ) {
    this.#secret = appSecret;
  }

  sign(params: Readonly<Record<string, SignValue>>): string {
    return polyvSign(params, this.#secret);
  }

  /** For the one caller that must see it: tests that scan outputs for leaks. */
  revealSecretForLeakTests(): string {
    return this.#secret;
  }

  toJSON(): Record<string, string> {
    return { appId: this.appId, userId: this.userId, appSecret: REDACTED, source: this.source };
  }

  toString(): string {
    return `Credentials(appId=${this.appId}, userId=${this.userId}, appSecret=${REDACTED})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface LoadCredentialsOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --credentials FILE; else POLYV_CREDENTIALS_FILE; else ~/.config/runbook/credentials.yaml. */
  readonly file?: string;
  /** --profile NAME; else POLYV_PROFILE; else "default". */
  readonly profile?: string;
  readonly homeDir?: string;
}

/**
 * Credentials come from the environment (POLYV_APP_ID, POLYV_APP_SECRET, POLYV_USER_ID) or from a
 * credentials file of named profiles — never from a playbook. A file or profile named explicitly wins
 * over the environment. A file that group or others may read is refused.
 *
 * ```yaml
 * # ~/.config/runbook/credentials.yaml  (chmod 600)
 * default:
 *   appId: ...
 *   appSecret: ...
 *   userId: ...
 * ```
 */
export function loadCredentials(o: LoadCredentialsOptions): Credentials {
  const env = o.env;
  const explicit = o.file !== undefined || o.profile !== undefined || env['POLYV_PROFILE'] !== undefined;
  if (!explicit && env['POLYV_APP_ID'] && env['POLYV_APP_SECRET'] && env['POLYV_USER_ID']) {
    return new Credentials(env['POLYV_APP_ID'], env['POLYV_APP_SECRET'], env['POLYV_USER_ID'], 'environment');
  }
  const file = o.file ?? env['POLYV_CREDENTIALS_FILE'] ?? join(o.homeDir ?? env['HOME'] ?? homedir(), '.config', 'runbook', 'credentials.yaml');
  const profile = o.profile ?? env['POLYV_PROFILE'] ?? 'default';
  const text = readCredentialsFile(file, profile, env);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    // The YAML parser's own words (English), as it wrote them: where in the file, and what.
    throw new ConfigError(msg('error.credentials.unreadable', { file, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) }));
  }
  const profiles = isRecord(doc) && isRecord(doc['profiles']) ? doc['profiles'] : doc;
  const p = isRecord(profiles) ? profiles[profile] : undefined;
  if (!isRecord(p)) throw new ConfigError(msg('error.credentials.noProfile', { file, profile }));
  const missing = ['appId', 'appSecret', 'userId'].filter((k) => typeof p[k] !== 'string' || p[k] === '');
  if (missing.length > 0) throw new ConfigError(msg('error.credentials.incomplete', { profile, file, fields: missing.join(', ') }));
  return new Credentials(p['appId'] as string, p['appSecret'] as string, p['userId'] as string, `file ${file}, profile ${profile}`);
}

/** A credentials file is small: anything larger is not one. */
const MAX_CREDENTIALS_BYTES = 64 * 1024;

/**
 * Reads the credentials file, refusing what could hang or leak: it is opened without blocking (a
 * FIFO would otherwise wait for a writer forever, deaf to Ctrl-C, since the read blocks the only
 * thread) and must be a regular file, private to its owner, and small.
 */
function readCredentialsFile(file: string, profile: string, env: Readonly<Record<string, string | undefined>>): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(msg('error.credentials.unreadable', { file, reason: (err as NodeJS.ErrnoException).code ?? String(err) }));
    const partial = ['POLYV_APP_ID', 'POLYV_APP_SECRET', 'POLYV_USER_ID'].filter((k) => !env[k]);
    throw new ConfigError(msg('error.credentials.missing', { vars: partial.join(', '), file, profile }));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ConfigError(msg('error.credentials.notRegularFile', { file }));
    if ((st.mode & 0o077) !== 0) throw new ConfigError(msg('error.credentials.readableByOthers', { file, mode: (st.mode & 0o777).toString(8) }));
    if (st.size > MAX_CREDENTIALS_BYTES)
      throw new ConfigError(msg('error.credentials.tooLarge', { file, size: String(st.size), max: String(MAX_CREDENTIALS_BYTES) }));
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
