import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { msg, type Msg } from '../i18n/index.js';
import type { ControlRecord } from '../journal/records.js';
import { ControlRefused } from '../serve/lesson.js';
import type { ControlRequest } from '../serve/lesson-store.js';
import type { Term } from '../serve/term.js';
import { CONTROL_CHANNEL, controlReplyChannel, jobLockKey } from './keys.js';

/** How long a node waits for the node that runs a lesson to answer a control. */
const ANSWER_TIMEOUT_MS = 10_000;

interface Asked extends ControlRequest {
  readonly id: string;
  readonly from: string;
  readonly runId: string;
}

type Answer = { readonly id: string; readonly record: ControlRecord } | { readonly id: string; readonly status: 404 | 409; readonly text: Msg };

/**
 * Controls from any node reach the node that runs the lesson: a person's pause, skip or send-now on
 * one node's page is published to every node; the one holding the lesson applies it as it would its
 * own (stopping and restarting its engine run, journaling the control in Redis) and answers. A
 * lesson no node holds is controlled where it was asked: its record goes to Redis only if no node
 * took the lesson meanwhile (UNHELD_APPEND_LUA), and the node that takes it next reads it first.
 */
export class ControlRelay {
  readonly node = randomBytes(6).toString('hex');
  private readonly waiting = new Map<string, { resolve: (r: ControlRecord) => void; reject: (e: unknown) => void }>();
  private term: Term | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly holds: (runId: string) => boolean,
  ) {}

  /** The channels this node listens on (subscribed by the caller on its subscriber connection). */
  channels(): string[] {
    return [CONTROL_CHANNEL, controlReplyChannel(this.node)];
  }

  attach(term: Term): void {
    this.term = term;
  }

  /** The store's hook (LessonStore.controlElsewhere): undefined when it is applied on this node. */
  async elsewhere(runId: string, request: ControlRequest): Promise<ControlRecord | undefined> {
    if (this.holds(runId)) return undefined;
    if ((await this.redis.exists(jobLockKey(runId))) === 0) return undefined;
    const id = randomBytes(8).toString('hex');
    const answer = new Promise<ControlRecord>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      setTimeout(() => {
        if (!this.waiting.delete(id)) return;
        reject(new ControlRefused(409, msg('cluster.control.noAnswer', { seconds: ANSWER_TIMEOUT_MS / 1000 })));
      }, ANSWER_TIMEOUT_MS).unref();
    });
    const asked: Asked = { id, from: this.node, runId, ...request };
    await this.redis.publish(CONTROL_CHANNEL, JSON.stringify(asked));
    return answer;
  }

  /** A message on one of `channels()`. */
  received(channel: string, text: string): void {
    if (channel === CONTROL_CHANNEL) void this.apply(JSON.parse(text) as Asked);
    else {
      const a = JSON.parse(text) as Answer;
      const w = this.waiting.get(a.id);
      if (!w) return;
      this.waiting.delete(a.id);
      if ('record' in a) w.resolve(a.record);
      else w.reject(new ControlRefused(a.status, a.text));
    }
  }

  /** Another node asked for a control: applied here if this node runs the lesson, else left to the one that does. */
  private async apply(asked: Asked): Promise<void> {
    if (asked.from === this.node || !this.holds(asked.runId)) return;
    const lesson = this.term?.byId(asked.runId);
    if (!lesson) return;
    let answer: Answer;
    try {
      answer = { id: asked.id, record: await lesson.control(asked.control, asked.who, asked.action) };
    } catch (err) {
      // The refusal travels as a message (key and parameters): the asking node answers in its reader's language.
      answer = {
        id: asked.id,
        status: err instanceof ControlRefused ? err.status : 409,
        text: err instanceof ControlRefused ? err.text : msg('cluster.log.error', { message: err instanceof Error ? err.message : String(err) }),
      };
    }
    await this.redis.publish(controlReplyChannel(asked.from), JSON.stringify(answer)).catch(() => undefined);
  }
}
