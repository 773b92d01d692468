import type { IncomingMessage } from 'node:http';
import { negotiateLanguage, parseLanguage, type Language } from '../i18n/index.js';

/** The cookie the page's language switch leaves, so the next visit opens in the language chosen. */
export const LANG_COOKIE = 'runbook-lang';

/**
 * The language of an API answer's human texts (`message` fields, diagnostics, the timeline's
 * words): `?lang=`, else the browser's `Accept-Language`, else the server's own (the CLI's).
 * Field names and codes are the same in every language.
 */
export function apiLanguage(req: IncomingMessage, url: URL, server: Language): Language {
  return fromQuery(url) ?? fromHeader(req) ?? server;
}

/**
 * The page's language: `?lang=` (the switch; remembered in the cookie), else the cookie, else
 * `Accept-Language`, else the server's. `remember` is set when the query chose it.
 */
export function pageLanguage(req: IncomingMessage, url: URL, server: Language): { lang: Language; remember: boolean } {
  const asked = fromQuery(url);
  if (asked) return { lang: asked, remember: true };
  return { lang: fromCookie(header(req, 'cookie')) ?? fromHeader(req) ?? server, remember: false };
}

/** The Set-Cookie value that remembers the page's language for a year (this server's pages only). */
export function langCookie(lang: Language): string {
  return `${LANG_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Strict`;
}

function fromQuery(url: URL): Language | undefined {
  const q = url.searchParams.get('lang');
  return q ? parseLanguage(q) : undefined;
}

/**
 * `Accept-Language` without its `*` entries: `*` says any language will do (Node's fetch sends
 * `Accept-Language: *` on every request), so it leaves the choice to the server, not to English.
 */
function fromHeader(req: IncomingMessage): Language | undefined {
  const named = (header(req, 'accept-language') ?? '')
    .split(',')
    .filter((part) => part.split(';')[0]!.trim() !== '*')
    .join(',');
  return negotiateLanguage(named);
}

function fromCookie(cookie: string | undefined): Language | undefined {
  for (const part of (cookie ?? '').split(';')) {
    const [name, ...value] = part.split('=');
    if (name?.trim() === LANG_COOKIE) return parseLanguage(decodeURIComponent(value.join('=').trim()));
  }
  return undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
