import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { describe, expect, it } from 'vitest';
import { WarmConnector } from '../../src/transport/preconnect.js';

/** A stand-in for a connected socket: the connector only stocks it and hands it over. */
function fakeSocket(): Socket {
  const s = new EventEmitter() as EventEmitter & { destroyed: boolean; readableEnded: boolean; ref(): void; unref(): void; destroy(): void };
  s.destroyed = false;
  s.readableEnded = false;
  s.ref = () => undefined;
  s.unref = () => undefined;
  s.destroy = () => void (s.destroyed = true);
  return s as unknown as Socket;
}

function counting(): { dial: buildConnector.connector; dialled: buildConnector.Options[]; made: Socket[] } {
  const dialled: buildConnector.Options[] = [];
  const made: Socket[] = [];
  const dial = ((opts: buildConnector.Options, cb: buildConnector.Callback) => {
    dialled.push(opts);
    const s = fakeSocket();
    made.push(s);
    queueMicrotask(() => cb(null, s));
  }) as buildConnector.connector;
  return { dial, dialled, made };
}

const handOver = (w: WarmConnector, opts: buildConnector.Options): Promise<{ socket: Socket; sync: boolean }> =>
  new Promise((resolve, reject) => {
    let returned = false;
    w.connect(opts, (err, socket) => (err ? reject(err) : resolve({ socket: socket as Socket, sync: !returned })));
    returned = true;
  });

describe('the connector that opens sockets ahead', () => {
  it('hands a stocked socket to the pool for the options undici passes (https, no servername), later, never from inside the hook', async () => {
    const { dial, dialled } = counting();
    const w = new WarmConnector('https://api.polyv.net', { connectTimeoutMs: 1000, dial });
    w.open(1);
    await new Promise((r) => setImmediate(r));
    expect(w.ready).toBe(1);
    // Exactly what undici 7 passes for https://api.polyv.net (see its client connect()).
    const got = await handOver(w, {
      host: 'api.polyv.net',
      hostname: 'api.polyv.net',
      protocol: 'https:',
      port: '',
      servername: null as unknown as string,
      localAddress: null,
    });
    expect(got.sync).toBe(false);
    expect(dialled).toHaveLength(1);
    expect(w.ready).toBe(0);
    w.close();
  });

  it('dials as usual for another origin, or another TLS server name, or when the stock is empty', async () => {
    const { dial, dialled } = counting();
    const w = new WarmConnector('https://api.polyv.net', { connectTimeoutMs: 1000, dial });
    w.open(1);
    await new Promise((r) => setImmediate(r));
    await handOver(w, { host: 'files.polyv.net', hostname: 'files.polyv.net', protocol: 'https:', port: '' });
    await handOver(w, { host: 'api.polyv.net', hostname: 'api.polyv.net', protocol: 'https:', port: '', servername: 'other.example' });
    expect(dialled).toHaveLength(3);
    expect(w.ready).toBe(1);
    await handOver(w, { host: 'api.polyv.net:443', hostname: 'api.polyv.net', protocol: 'https:', port: '443' });
    await handOver(w, { host: 'api.polyv.net', hostname: 'api.polyv.net', protocol: 'https:', port: '' });
    expect(dialled).toHaveLength(4);
    w.close();
  });

  it('drops a stocked socket that closes, and opens nothing once closed', async () => {
    const { dial, dialled, made } = counting();
    const w = new WarmConnector('http://127.0.0.1:8080', { connectTimeoutMs: 1000, dial });
    w.open(2);
    await new Promise((r) => setImmediate(r));
    expect(w.ready).toBe(2);
    made[0]!.emit('close');
    expect(w.ready).toBe(1);
    expect(made[0]!.destroyed).toBe(true);
    w.close();
    expect(w.ready).toBe(0);
    expect(made[1]!.destroyed).toBe(true);
    w.open(3);
    expect(dialled).toHaveLength(2);
  });
});
