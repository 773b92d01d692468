/**
 * A URL as shown in messages: any user name and password it carries (`http://user:pass@host`) are
 * replaced by `***`. Text that is not a URL is returned with anything up to an `@` after `//` masked.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '***';
    u.password = '';
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}
