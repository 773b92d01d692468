import { createHash } from 'node:crypto';
import { Agent, request } from 'undici';

// The platform's signing rule, inline, so the reference loads nothing but undici: MD5 of
// secret + sorted key/value pairs + secret, upper-case hex.
function polyvSign(params, secret) {
  let s = '';
  for (const k of Object.keys(params).sort()) s += k + params[k];
  return createHash('md5')
    .update(secret + s + secret, 'utf8')
    .digest('hex')
    .toUpperCase();
}

/**
 * The reference: a bare undici loop over the same pages — sign inline, GET, parse the JSON, follow
 * the cursor, discard. Returns { records, pages, ms }.
 */
export async function bareLoop(url, creds, { from, to, size = 1000 }) {
  const agent = new Agent({ connections: 4 });
  let cursor;
  let records = 0;
  let pages = 0;
  const t0 = performance.now();
  for (;;) {
    const q = {
      appId: creds.appId,
      timestamp: String(Date.now()),
      userId: creds.userId,
      startTime: String(from),
      endTime: String(to),
      size: String(size),
      ...(cursor ? { cursor } : {}),
    };
    q.sign = polyvSign(q, creds.appSecret);
    const res = await request(`${url}/live/v3/user/chat/get-speak-list?${new URLSearchParams(q)}`, { dispatcher: agent });
    const body = JSON.parse(await res.body.text());
    if (body.code !== 200) throw new Error(body.message);
    if (body.data.list.length === 0) break;
    records += body.data.list.length;
    pages += 1;
    cursor = body.data.cursor;
  }
  const ms = performance.now() - t0;
  await agent.close();
  return { records, pages, ms };
}
