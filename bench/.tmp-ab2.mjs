import { createServer } from 'node:http';
import { subscribe } from 'node:diagnostics_channel';
import { request, Agent } from 'undici';
import { PolyvClient, Credentials, DEMO_CREDENTIALS, RateLimiter, sendCustomMessageRequest } from '../dist/index.js';
const srv = createServer((req, res) => { req.resume(); req.on('end', () => res.end('{"code":200,"status":"success","data":null}')); });
srv.keepAliveTimeout = 30000;
await new Promise((r) => srv.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${srv.address().port}`;
const api = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'x'), baseUrl: origin, limiter: new RateLimiter({ max: 1e9, windowMs: 10000 }) });
const agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 20000 });
let t0 = 0; const w = [];
subscribe('undici:request:bodySent', () => w.push(performance.now() - t0));
const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
const res = { client: [], clientSync: [], bare: [], bareSync: [] };
for (let round = 0; round < 30; round++) {
  const reqs = Array.from({ length: 100 }, (_, i) => sendCustomMessageRequest({ channelId: String(3000000 + i), content: `hello ${round} ${i}`, joinHistoryList: 1, watchType: 1 }));
  api.prepareBurst(reqs);
  await new Promise((r) => setTimeout(r, 30));
  w.length = 0; t0 = performance.now();
  let ps = reqs.map((r) => api.send(r));
  const s1 = performance.now() - t0;
  await Promise.all(ps);
  if (round >= 5) { res.client.push([w[0], w[99]]); res.clientSync.push(s1); }
  await new Promise((r) => setTimeout(r, 30));
  w.length = 0; t0 = performance.now();
  ps = reqs.map((r) => request(origin + r.path + '?channelId=' + r.signed.channelId, { dispatcher: agent, method: 'POST', headers, body: 'content=' + r.form.content }).then((x) => x.body.text()));
  const s2 = performance.now() - t0;
  await Promise.all(ps);
  if (round >= 5) { res.bare.push([w[0], w[99]]); res.bareSync.push(s2); }
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
for (const n of ['client', 'bare']) console.log(`${n}: sync pass ${med(res[n + 'Sync']).toFixed(2)} ms, first written ${med(res[n].map((x) => x[0])).toFixed(2)}, 100th ${med(res[n].map((x) => x[1])).toFixed(2)}`);
await api.close(); await agent.close(); srv.close();
