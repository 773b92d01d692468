import { readFileSync, statSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ConfigError, UsageError } from '../core/errors.js';
import { msg, type Msg } from '../i18n/index.js';

/** The environment variable that holds the serve token (never a flag value, which `ps` shows). */
export const TOKEN_ENV = 'RUNBOOK_SERVE_TOKEN';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * The token that API calls must carry (`Authorization: Bearer …`): from RUNBOOK_SERVE_TOKEN or a
 * file (`--token-file`, which others must not be able to read). Required for any bind beyond loopback.
 */
export function loadToken(o: { env: Readonly<Record<string, string | undefined>>; tokenFile?: string; host: string }): string | undefined {
  let token: string | undefined;
  if (o.tokenFile) {
    let text: string;
    try {
      if ((statSync(o.tokenFile).mode & 0o077) !== 0) throw new ConfigError(msg('serve.security.tokenFileOpen', { file: o.tokenFile }));
      text = readFileSync(o.tokenFile, 'utf8');
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new UsageError(msg('serve.security.cannotReadTokenFile', { file: o.tokenFile, error: (err as Error).message }));
    }
    token = text.trim();
  } else if (o.env[TOKEN_ENV]) token = o.env[TOKEN_ENV]!.trim();
  if (token !== undefined && token.length < 16) throw new ConfigError(msg('serve.security.tokenTooShort'));
  if (!token && !isLoopback(o.host)) throw new ConfigError(msg('serve.security.beyondLoopback', { host: o.host, env: TOKEN_ENV }));
  return token || undefined;
}

/** Whether the request carries the token. */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why a request may not be trusted, or undefined. Bound to loopback, the Host header must name
 * loopback (a web page elsewhere cannot reach the API through DNS rebinding). A control (POST) must
 * be same-origin — `Origin` and `Sec-Fetch-Site`, when the browser sends them, must say so — and
 * must be JSON, which a cross-site form or a simple request cannot send without a preflight that
 * this server never grants.
 */
export function untrusted(req: IncomingMessage, o: { loopbackOnly: boolean }): Msg | undefined {
  const host = req.headers.host ?? '';
  if (o.loopbackOnly && !isLoopback(host.replace(/:\d+$/, ''))) return msg('serve.security.hostNotLoopback', { host: JSON.stringify(host) });
  if (req.method !== 'POST') return undefined;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return msg('serve.security.crossSite', { site: String(site) });
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return msg('serve.security.otherOrigin', { origin });
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return msg('serve.security.notJson');
  return undefined;
}
