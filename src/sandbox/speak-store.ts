import type { SpeakRecord } from '../polyv/types.js';
import { seededRandom } from './random.js';

const CONTENTS = [
  '老师好',
  '签到',
  '听得很清楚',
  '这节课讲得真好',
  '有回放吗?',
  '同学们好',
  '666',
  '请问作业什么时候交',
  'hello, "world"',
  '第二个问题没听懂,能再讲一遍吗',
];
const NICKS = ['小明', '李华', 'Alice', '王老师', '张三', '学员007'];
const USER_TYPES = ['student', 'slice', 'viewer', 'teacher', 'assistant'];

export interface SeedOptions {
  readonly count: number;
  readonly seed: number;
  /** Channel ids the seeded records are spread over (roomId). */
  readonly channels: readonly string[];
  /** Time of the first seeded record (ms epoch). */
  readonly startMs: number;
  /** Time between consecutive seeded records. */
  readonly spacingMs: number;
  readonly accountId: string;
}

/**
 * All chat records of the account, in one append-only order: a *virtual* seeded prefix (record i is
 * generated from the seed and i on demand, so a million records cost no memory) followed by messages
 * sent through the API. Times never decrease along the order, so a cursor (the index of the next
 * record) never skips or repeats a record, even while new messages arrive.
 */
export class SpeakStore {
  private readonly sent: SpeakRecord[] = [];
  private readonly userJson: string[];
  private lastTime: number;

  constructor(private readonly seed: SeedOptions) {
    const rnd = seededRandom(seed.seed);
    this.userJson = NICKS.map((nick, i) =>
      JSON.stringify({
        banned: false,
        channelId: seed.channels[i % Math.max(1, seed.channels.length)] ?? '',
        clientIp: `10.0.0.${i + 1}`,
        nick,
        pic: 'https://liveimages.videocc.net/defaultImg/avatar/viewer.png',
        uid: `u${Math.floor(rnd() * 1e9).toString(36)}`,
        userId: String(1631003162428 + i),
        userType: USER_TYPES[i % USER_TYPES.length],
        actor: i === 3 ? '讲师' : '',
      }),
    );
    this.lastTime = seed.count > 0 ? this.seededTime(seed.count - 1) : 0;
  }

  get size(): number {
    return this.seed.count + this.sent.length;
  }

  private seededTime(i: number): number {
    return this.seed.startMs + i * this.seed.spacingMs;
  }

  /** Appends a sent message; its time is the receive time, kept monotonic. */
  append(rec: Omit<SpeakRecord, 'time'> & { time: number }): SpeakRecord {
    const time = Math.max(rec.time, this.lastTime);
    this.lastTime = time;
    const full: SpeakRecord = { ...rec, time };
    this.sent.push(full);
    return full;
  }

  at(i: number): SpeakRecord {
    if (i >= this.seed.count) return this.sent[i - this.seed.count]!;
    const channels = this.seed.channels;
    const roomId = channels.length > 0 ? channels[i % channels.length]! : '1000001';
    const u = i % this.userJson.length;
    return {
      id: `seed-${this.seed.seed}-${i}`,
      roomId,
      content: CONTENTS[(i * 7 + this.seed.seed) % CONTENTS.length]!,
      user: this.userJson[u]!,
      image: '',
      time: this.seededTime(i),
      clientIP: '',
      msgType: null,
      userType: USER_TYPES[u % USER_TYPES.length]!,
      sessionId: null,
      quote: null,
      accountId: this.seed.accountId,
    };
  }

  /** First index whose time is ≥ t (binary search over the monotonic order). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).time < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sent messages (not the seeded ones), for tests. */
  get sentRecords(): readonly SpeakRecord[] {
    return this.sent;
  }
}
