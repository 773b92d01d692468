import { randomUUID } from 'node:crypto';
import type { SandboxCredentials } from './credentials.js';
import { intervalsCollide, type CheckinInterval } from '../polyv/checkin-rule.js';
import { canonicalChannelId } from '../polyv/channel-id.js';
import { PlatformLimits } from '../polyv/limits.js';
import { v3Error, v3Ok, v4Error, v4Ok, type Reply } from './envelope-reply.js';
import type { SpeakStore } from './speak-store.js';

/** A message the sandbox accepted through send-custom-message. */
export interface StoredMessage {
  readonly id: string;
  readonly channelId: string;
  readonly text?: string;
  readonly imgUrl?: string;
  readonly joinHistoryList: 0 | 1;
  readonly watchType: 1 | 2 | 3;
  readonly receivedAt: number;
}

export interface StoredCheckin extends CheckinInterval {
  readonly channelId: string;
  readonly limitTime: number;
  readonly delayTime: number;
  readonly message?: string;
  readonly receivedAt: number;
}

export interface PlatformConfig {
  readonly credentials: SandboxCredentials;
  readonly channels?: readonly string[];
  readonly reportNotReadyCalls: number;
  readonly exportSteps: number;
  readonly hostileExportUrl: boolean;
  readonly errorStatus: (code: number) => number;
  readonly notReadyHttpStatus: number;
  readonly speak: SpeakStore;
}

/** The result of handling a call: the reply and whether it changed the platform's state. */
export interface Outcome {
  readonly reply: Reply;
  readonly applied: boolean;
  readonly params?: Record<string, unknown>;
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * The simulated platform: its state and the business rules of the five endpoints, after the
 * request's appId, timestamp and signature were checked. `files` maps served paths to contents.
 */
export class Platform {
  readonly messages: StoredMessage[] = [];
  readonly checkins = new Map<string, StoredCheckin[]>();
  readonly exportTasks = new Map<string, { calls: number; doneAt?: number; url?: string }>();
  readonly reportCalls = new Map<string, number>();
  readonly files = new Map<string, Buffer>();

  private readonly known: ReadonlySet<string> | undefined;

  constructor(private readonly cfg: PlatformConfig) {
    this.known = cfg.channels ? new Set(cfg.channels.map((c) => canonicalChannelId(c) ?? c)) : undefined;
  }

  /**
   * The channel an id names, in canonical form (the platform reads ids as numbers: "0001000" is
   * channel 1000), or undefined when it names none.
   */
  private channelOf(id: unknown): string | undefined {
    const c = canonicalChannelId(id);
    return c !== undefined && (this.known === undefined || this.known.has(c)) ? c : undefined;
  }

  sendCustomMessage(q: Record<string, string>, form: Record<string, string>, now: number): Outcome {
    const given = q['channelId'] ?? '';
    const channelId = canonicalChannelId(given) ?? given;
    const content = form['content'];
    const imgUrl = form['imgUrl'];
    const jh = q['joinHistoryList'] ?? '1';
    const wt = q['watchType'] ?? '1';
    const params = { channelId, joinHistoryList: jh, watchType: wt, imgUrl } as Record<string, unknown>;
    const err = (code: number, desc: string): Outcome => ({ reply: v4Error(400, code, desc, this.cfg.errorStatus(400)), applied: false, params });
    if (!given) return err(400, 'channelId is required.');
    if (!this.channelOf(given)) return err(1097, '非法的频道ID');
    if ((content === undefined || content === '') && (imgUrl === undefined || imgUrl === '')) return err(400, 'content and imgUrl cannot both be empty.');
    let text: string | undefined;
    if (content !== undefined && content !== '') {
      if (!BASE64URL.test(content)) return err(400, 'content must be URL-safe base64.');
      if (content.length > PlatformLimits.maxEncodedContent)
        return err(400, `content is too long: ${content.length} > ${PlatformLimits.maxEncodedContent} characters after encoding.`);
      text = Buffer.from(content, 'base64url').toString('utf8');
      params['text'] = text;
      params['encodedLength'] = content.length;
    }
    if (jh !== '0' && jh !== '1') return err(400, 'joinHistoryList must be 0 or 1.');
    if (wt !== '1' && wt !== '2' && wt !== '3') return err(400, 'watchType must be 1, 2 or 3.');
    const msg: StoredMessage = {
      id: randomUUID(),
      channelId,
      ...(text !== undefined ? { text } : {}),
      ...(imgUrl ? { imgUrl } : {}),
      joinHistoryList: jh === '1' ? 1 : 0,
      watchType: Number(wt) as 1 | 2 | 3,
      receivedAt: now,
    };
    this.messages.push(msg);
    if (msg.joinHistoryList === 1) {
      this.cfg.speak.append({
        id: msg.id,
        roomId: channelId,
        content: text ?? '',
        user: JSON.stringify({ nick: 'runbook', userType: 'manager', userId: this.cfg.credentials.userId, channelId, roomId: channelId, actor: '管理员' }),
        image: imgUrl ?? '',
        time: now,
        clientIP: '',
        msgType: 'customMessage',
        userType: 'manager',
        sessionId: null,
        quote: null,
        accountId: this.cfg.credentials.userId,
      });
    }
    params['messageId'] = msg.id;
    return { reply: v4Ok(null), applied: true, params };
  }

  batchCheckin(body: string, now: number): Outcome {
    const err = (code: number, desc: string, params?: Record<string, unknown>): Outcome => ({
      reply: v4Error(400, code, desc, this.cfg.errorStatus(400)),
      applied: false,
      ...(params ? { params } : {}),
    });
    let items: unknown;
    try {
      // Channel ids are read digit for digit (as strings): JSON.parse would round an id of 20 digits.
      items = JSON.parse(body.replace(/("channelId"\s*:\s*)(\d+)/g, '$1"$2"'));
    } catch {
      return err(400, 'request body must be a JSON array.');
    }
    if (!Array.isArray(items) || items.length === 0) return err(400, 'request body must be a non-empty JSON array.');
    if (items.length > PlatformLimits.maxCheckinsPerBatch)
      return err(400, `at most ${PlatformLimits.maxCheckinsPerBatch} check-ins per call, got ${items.length}.`);
    const parsed: StoredCheckin[] = [];
    for (const raw of items as Record<string, unknown>[]) {
      const channelId = raw ? this.channelOf(raw['channelId']) : undefined;
      if (channelId === undefined) return err(1097, '非法的频道ID', { items });
      const limitTime = raw['limitTime'] === undefined ? 0 : raw['limitTime'];
      if (typeof limitTime !== 'number' || !Number.isInteger(limitTime) || limitTime < PlatformLimits.minLimitTime || limitTime > PlatformLimits.maxLimitTime)
        return err(400, `limitTime must be an integer from ${PlatformLimits.minLimitTime} to ${PlatformLimits.maxLimitTime}.`, { items });
      const delayTime = raw['delayTime'] === undefined ? now : raw['delayTime'];
      if (typeof delayTime !== 'number' || !Number.isInteger(delayTime) || String(delayTime).length !== 13)
        return err(400, 'delayTime must be a 13-digit millisecond timestamp.', { items });
      const message = typeof raw['message'] === 'string' ? raw['message'] : undefined;
      parsed.push({
        channelId,
        limitTime,
        delayTime,
        start: delayTime,
        end: delayTime + limitTime * 1000,
        receivedAt: now,
        ...(message !== undefined ? { message } : {}),
      });
    }
    // The 5-second rule, against what the channel already has and within the batch. All or nothing.
    const failing: number[] = [];
    parsed.forEach((c, i) => {
      const existing = this.checkins.get(c.channelId) ?? [];
      const clash = existing.some((e) => intervalsCollide(e, c)) || parsed.some((o, j) => j !== i && o.channelId === c.channelId && intervalsCollide(o, c));
      if (clash) failing.push(i);
    });
    if (failing.length > 0) {
      return err(1099, `签到失败: 序号为[${failing.join(',')}],时间区间存在重叠或时间区间间隔小于5秒,不允许添加`, { items, failing });
    }
    for (const c of parsed) {
      const list = this.checkins.get(c.channelId) ?? [];
      list.push(c);
      this.checkins.set(c.channelId, list);
    }
    return { reply: v4Ok(true), applied: true, params: { items } };
  }

  createChatExportTask(q: Record<string, string>, now: number, baseUrl: string): Outcome {
    const channelId = this.channelOf(q['channelId']) ?? q['channelId'] ?? '';
    const params = { channelId };
    if (!this.channelOf(channelId)) return { reply: v3Error(400, 'channelId is invalid.', this.cfg.errorStatus(400)), applied: false, params };
    const task = this.exportTasks.get(channelId) ?? { calls: 0 };
    task.calls += 1;
    this.exportTasks.set(channelId, task);
    if (task.calls <= this.cfg.exportSteps) {
      return {
        reply: v3Ok({ status: task.calls === 1 ? 'todo' : 'doing', url: '', lastExportTime: null }),
        applied: true,
        params: { ...params, status: task.calls === 1 ? 'todo' : 'doing' },
      };
    }
    if (!task.url) {
      task.doneAt = now;
      const name = `${channelId}_${now}.xls`;
      const path = `/files/chat-export/${name}`;
      this.files.set(path, this.chatExportFile(channelId));
      task.url = this.cfg.hostileExportUrl ? `${baseUrl}/files/chat-export/..%2F..%2F..%2Fescape%2F${name}` : `${baseUrl}${path}`;
      if (this.cfg.hostileExportUrl) this.files.set(`/files/chat-export/..%2F..%2F..%2Fescape%2F${name}`, this.chatExportFile(channelId));
    }
    return { reply: v3Ok({ status: 'done', url: task.url, lastExportTime: task.doneAt }), applied: true, params: { ...params, status: 'done' } };
  }

  private chatExportFile(channelId: string): Buffer {
    const lines = ['time\tnick\tcontent'];
    for (const m of this.messages)
      if (m.channelId === channelId && m.joinHistoryList === 1) lines.push(`${new Date(m.receivedAt).toISOString()}\trunbook\t${m.text ?? m.imgUrl ?? ''}`);
    return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  }

  exportSessionStats(q: Record<string, string>, baseUrl: string): Outcome {
    const channelId = q['channelId'] ?? '';
    const sessionId = q['sessionId'] ?? '';
    const params = { channelId, sessionId };
    if (!channelId || !sessionId) return { reply: v3Error(400, 'channelId and sessionId are required.', this.cfg.errorStatus(400)), applied: false, params };
    if (!this.channelOf(channelId)) return { reply: v3Error(400, 'channelId is invalid.', this.cfg.errorStatus(400)), applied: false, params };
    const key = `${channelId}|${sessionId}`;
    const calls = (this.reportCalls.get(key) ?? 0) + 1;
    this.reportCalls.set(key, calls);
    if (calls <= this.cfg.reportNotReadyCalls) {
      return { reply: v3Error(400, 'Report is not ready yet, please try again later.', this.cfg.notReadyHttpStatus), applied: false, params };
    }
    const path = `/files/report/${encodeURIComponent(channelId)}_${encodeURIComponent(sessionId)}.xlsx`;
    // Not a real workbook: a zip signature and a marker are enough for a download test.
    if (!this.files.has(path))
      this.files.set(
        path,
        Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.from(`runbook sandbox report ${channelId} ${sessionId}\n`.repeat(64))]),
      );
    return { reply: v3Ok(`${baseUrl}${path}`), applied: false, params };
  }

  getSpeakList(q: Record<string, string>): Outcome {
    const params: Record<string, unknown> = { userId: q['userId'], startTime: q['startTime'], endTime: q['endTime'], cursor: q['cursor'], size: q['size'] };
    const bad = (message: string): Outcome => ({ reply: v3Error(400, message, this.cfg.errorStatus(400)), applied: false, params });
    if (q['userId'] !== undefined && q['userId'] !== this.cfg.credentials.userId) return bad('userId is invalid.');
    const size = q['size'] === undefined ? 10 : Number(q['size']);
    if (!Number.isInteger(size) || size < 1 || size > 1000) return bad('size must be an integer from 1 to 1000.');
    const startTime = q['startTime'] === undefined ? undefined : Number(q['startTime']);
    const endTime = q['endTime'] === undefined ? undefined : Number(q['endTime']);
    if ((startTime !== undefined && !Number.isFinite(startTime)) || (endTime !== undefined && !Number.isFinite(endTime)))
      return bad('startTime and endTime must be millisecond timestamps.');
    const store = this.cfg.speak;
    let i: number;
    if (q['cursor'] !== undefined) {
      const m = /^c(\d+)$/.exec(q['cursor']);
      if (!m) return bad('cursor is invalid.');
      i = Number(m[1]);
    } else {
      i = startTime === undefined ? 0 : store.lowerBound(startTime);
    }
    const list = [];
    const total = store.size;
    while (list.length < size && i < total) {
      const rec = store.at(i);
      if (endTime !== undefined && rec.time > endTime) break;
      list.push(rec);
      i += 1;
    }
    params['returned'] = list.length;
    return { reply: v3Ok({ size, cursor: `c${i}`, list }), applied: false, params };
  }
}
