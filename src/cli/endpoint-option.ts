import { UsageError } from '../core/errors.js';
import { msg } from '../i18n/index.js';

/**
 * `--endpoint URL`: an http(s) base URL, or a usage error (exit 2) saying what is wrong with it —
 * before anything is loaded or sent. Userinfo is refused: credentials go in the credentials file.
 */
export function checkEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(msg('cli.usage.endpointNotUrl', { value: JSON.stringify(text) }));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(msg('cli.usage.endpointProtocol', { protocol: url.protocol }));
  if (url.username || url.password) throw new UsageError(msg('cli.usage.endpointUserinfo'));
  return text;
}
