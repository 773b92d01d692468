import { UsageError } from '../core/errors.js';

/**
 * `--endpoint URL`: an http(s) base URL, or a usage error (exit 2) saying what is wrong with it —
 * before anything is loaded or sent. Userinfo is refused: credentials go in the credentials file.
 */
export function checkEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--endpoint ${JSON.stringify(text)} is not a URL; give the platform's base URL, e.g. https://api.polyv.net or http://127.0.0.1:PORT for a sandbox`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be an http or https URL, got ${url.protocol}`);
  if (url.username || url.password)
    throw new UsageError('--endpoint must not carry a user name or password; credentials go in the environment or the credentials file');
  return text;
}
