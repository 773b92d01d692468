import { hostname } from 'node:os';
import { DelayedError, Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { sleep } from '../core/sleep.js';
import { msg, type Msg } from '../i18n/index.js';
import type { Lesson } from '../serve/lesson.js';
import type { LessonStore } from '../serve/lesson-store.js';
import type { ServeCluster } from '../serve/serve.js';
import type { Term } from '../serve/term.js';
import { clusterLessonStore, type Holding } from './cluster-store.js';
import { ControlRelay } from './control-relay.js';
import { JournalMirror } from './journal-mirror.js';
import { BULL_PREFIX, JOURNAL_CHANNEL, QUEUE_NAME, RUNS_KEY, jobIdOf, runIdOfJob } from './keys.js';
import { ClusterRateLimiter } from './rate-limit.js';
import { connectRedis } from './redis-connection.js';
import { DEFAULT_RATE_LIMIT } from '../transport/rate-limiter.js';
import { defineAppendScripts, FencedError } from './redis-journal.js';

/** What a lesson's job carries: ids and a path, never a credential (each node has its own). */
export interface LessonJobData {
  readonly runId: string;
  /** The playbook, relative to the folder the nodes serve from. */
  readonly file: string;
}

export interface ClusterNodeOptions {
  /** `redis://HOST:PORT[/DB]` */
  readonly url: string;
  /**
   * BullMQ's job lock: renewed every half of it while the node is alive; a node that stops renewing
   * (killed, cut off) loses its lessons after it, and another node takes them at the next stalled
   * check (every half of it). The takeover bound is therefore 1.5 × this (see takeoverBoundMs).
   */
  readonly lockDurationMs: number;
  /** How long before a lesson's next call its job wakes a node (the run then waits out the rest locally). */
  readonly leadMs: number;
  /** Lessons one node holds at once. */
  readonly concurrency: number;
  /**
   * One rate limit for every node (they reach the platform through one address: a NAT, one machine),
   * kept in Redis (src/cluster/rate-limit.ts); otherwise each node paces itself, as the platform
   * limits per address.
   */
  readonly clusterRateLimit?: boolean;
  /** Tells the operator (the CLI formats it in their language). */
  readonly say: (m: Msg) => void;
}

export const DEFAULT_LOCK_DURATION_MS = 10_000;
/** The term starts a lesson's engine run 30 s ahead of its next call (src/serve/term.ts); the job comes a little before. */
export const DEFAULT_LEAD_MS = 40_000;
export const DEFAULT_CONCURRENCY = 1000;

/** How often every node looks for stalled jobs (half the lock: the usual BullMQ ratio). */
export function stalledIntervalOf(lockDurationMs: number): number {
  return Math.max(500, Math.round(lockDurationMs / 2));
}

/**
 * The longest a lesson stays without a node after its node died: its lock runs out (at most the
 * lock duration after the last renewal), then the next stalled check moves the job back to waiting
 * (at most one interval later), and an idle node takes it at once.
 */
export function takeoverBoundMs(lockDurationMs: number): number {
  return lockDurationMs + stalledIntervalOf(lockDurationMs);
}

/** How often a node holding a lesson looks whether it is done (or lost, or the node is leaving). */
const HOLD_POLL_MS = 200;
/** A node that does not serve a lesson (its files differ) hands its job back for this long. */
const NOT_HERE_DELAY_MS = 30_000;
/** Journal notifications for one run arriving within this are read together. */
const SYNC_COALESCE_MS = 50;
/** The same error from BullMQ is told again only after this long. */
const ERROR_REPEAT_MS = 10_000;
/** Shutting down when Redis does not answer: connections are dropped after this. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * One `runbook serve` node of a cluster (`--redis`). Every node loads the same term from its own
 * copy of the files; each lesson run is one BullMQ job (id from the run id, so every node adds it
 * and one exists), delayed until a lead time before its next call. The node whose worker holds the
 * job runs the lesson's engine — the same engine as without Redis — on the run's journal in Redis,
 * every append fenced by the job's lock; the others show it from their mirror of the journal.
 */
export class ClusterNode implements ServeCluster {
  readonly store: LessonStore;
  readonly limiter?: ClusterRateLimiter;
  private readonly held = new Map<string, Holding>();
  private readonly mirror: JournalMirror;
  private readonly relay: ControlRelay;
  private queue: Queue | undefined;
  private worker: Worker | undefined;
  private term: Term | undefined;
  private leaving = false;
  /** Each lesson's job, as far as this node knows: when it wakes a node (ms), undefined when it needs none. */
  private readonly scheduled = new Map<string, number | undefined>();
  private readonly toSync = new Set<string>();
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly notHere = new Set<string>();
  /** When each distinct error was last told (see tell). */
  private readonly told = new Map<string, number>();
  /** Connections handed to BullMQ, which closes only those it made itself. */
  private readonly connections: Redis[] = [];

  private constructor(
    private readonly o: ClusterNodeOptions,
    private readonly redis: Redis,
    private readonly sub: Redis,
  ) {
    this.mirror = new JournalMirror(redis);
    defineAppendScripts(redis);
    if (o.clusterRateLimit) this.limiter = new ClusterRateLimiter(o.url, DEFAULT_RATE_LIMIT);
    this.relay = new ControlRelay(redis, (runId) => this.heldRuns().includes(runId));
    this.store = clusterLessonStore({
      redis,
      mirror: this.mirror,
      held: this.held,
      onFenced: (runId) => this.lost(runId),
      controlElsewhere: (runId, request) => this.relay.elsewhere(runId, request),
    });
  }

  /** Connects (a clear error when Redis cannot be reached) and subscribes to journal changes. */
  static async connect(o: ClusterNodeOptions): Promise<ClusterNode> {
    const redis = await connectRedis(o.url);
    let sub: Redis;
    try {
      sub = await connectRedis(o.url);
    } catch (err) {
      redis.disconnect();
      throw err;
    }
    return new ClusterNode(o, redis, sub);
  }

  private own(connection: Redis): Redis {
    connection.on('error', () => undefined);
    this.connections.push(connection);
    return connection;
  }

  /** The lessons this node runs now (their run ids). */
  heldRuns(): string[] {
    return [...this.held].filter(([, h]) => !h.lost).map(([id]) => id);
  }

  async join(term: Term): Promise<void> {
    this.term = term;
    this.relay.attach(term);
    this.sub.on('message', (channel: string, text: string) => (channel === JOURNAL_CHANNEL ? this.journalGrew(text) : this.relay.received(channel, text)));
    // A reconnect after an outage may have missed notifications: every journal is read again.
    this.sub.on('ready', () => {
      for (const l of term.lessons.values()) this.journalGrew(l.id);
    });
    await this.sub.subscribe(JOURNAL_CHANNEL, ...this.relay.channels());
    const lessons = [...term.lessons.values()];
    await this.mirror.sync(lessons.map((l) => l.id));
    for (const l of lessons) l.journalChanged();

    const connection = this.own(this.redis.duplicate());
    this.queue = new Queue(QUEUE_NAME, { connection, prefix: BULL_PREFIX });
    for (const l of lessons) await this.schedule(l);
    // A new lesson (or one whose start moved: a new run id) gets its job; an edit that brings a call
    // ahead of its job's wake-up moves the job earlier.
    term.on((e) => {
      if (e.type !== 'lesson' || this.leaving) return;
      const id = e.lesson.id;
      const next = e.lesson.nextDue();
      const wake = this.scheduled.get(id);
      if (this.scheduled.has(id) && (next === undefined || (wake !== undefined && next - this.o.leadMs >= wake - 1000))) return;
      this.scheduled.set(id, next === undefined ? undefined : next - this.o.leadMs);
      void this.schedule(e.lesson).catch((err: unknown) => this.tell(err instanceof Error ? err : new Error(String(err))));
    });

    const lock = this.o.lockDurationMs;
    this.worker = new Worker<LessonJobData, string>(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: this.own(this.redis.duplicate()),
      prefix: BULL_PREFIX,
      concurrency: this.o.concurrency,
      lockDuration: lock,
      stalledInterval: stalledIntervalOf(lock),
      // Every takeover counts as a stall; a lesson must never be failed for having been taken over.
      maxStalledCount: 1_000_000,
      // An idle worker's blocking wait for a job: short, so that a node stops within a second or so.
      drainDelay: 1,
    });
    this.worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const id of jobIds) this.lost(runIdOfJob(id));
    });
    // BullMQ reports lost locks and connection trouble as errors; they are told, never fatal — and
    // while Redis is away, each distinct one once in a while, not at every reconnect attempt.
    this.worker.on('error', (err: Error) => this.tell(err));
    this.queue.on('error', (err: Error) => this.tell(err));
    this.redis.on('error', () => undefined);
    this.sub.on('error', () => undefined);
  }

  private tell(err: Error): void {
    const now = Date.now();
    if ((this.told.get(err.message) ?? 0) > now - ERROR_REPEAT_MS) return;
    this.told.set(err.message, now);
    this.o.say(msg('cluster.log.error', { message: err.message }));
  }

  /** Adds the lesson's job (idempotent: the job id is the run's), delayed until a lead time before its next call. */
  private async schedule(lesson: Lesson): Promise<void> {
    const next = lesson.nextDue();
    if (next === undefined && !lesson.hasCutOff()) {
      this.scheduled.set(lesson.id, undefined);
      return;
    }
    await this.redis.hset(RUNS_KEY, lesson.id, lesson.display);
    const delay = Math.max(0, (next ?? 0) - this.o.leadMs - Date.now());
    const data: LessonJobData = { runId: lesson.id, file: lesson.display };
    const job = await this.queue!.add('lesson', data, {
      jobId: jobIdOf(lesson.id),
      delay,
      // An internal error is tried again (the journal says what is done); never given up.
      attempts: 1_000_000,
      backoff: { type: 'fixed', delay: 5000 },
    });
    const state = await job.getState();
    // A lesson finished earlier that an edit gave new work: its job is run again.
    if (state === 'completed') await job.retry('completed').catch(() => undefined);
    // Added earlier (by any node) to wake later than this lesson now needs: woken earlier.
    else if (state === 'delayed' && job.timestamp + (job.opts.delay ?? 0) > Date.now() + delay + 1000) await job.changeDelay(delay).catch(() => undefined);
    this.scheduled.set(lesson.id, Math.min(job.timestamp + (job.opts.delay ?? 0), Date.now() + delay));
  }

  /** The worker holds a lesson's job: the lesson runs here until it is done, this node leaves, or the lock is lost. */
  private async process(job: Job<LessonJobData, string>, token: string | undefined): Promise<string> {
    const runId = runIdOfJob(job.id!);
    const lesson = this.term?.byId(runId);
    if (!lesson || this.leaving || !token) {
      if (!lesson && !this.notHere.has(runId)) {
        this.notHere.add(runId);
        this.o.say(msg('cluster.log.notServed', { file: job.data.file, runId }));
      }
      await job.moveToDelayed(Date.now() + (lesson ? 0 : NOT_HERE_DELAY_MS), token);
      throw new DelayedError();
    }
    // An engine run left from an earlier hold (its lock lost) ends first; then the journal is read
    // whole, so the run started here sees everything every node wrote.
    while (lesson.running) await sleep(HOLD_POLL_MS);
    await this.mirror.sync([runId]);
    const holding: Holding = { token, lost: false };
    this.held.set(runId, holding);
    this.o.say(msg('cluster.log.taken', { file: lesson.display, host: hostname(), pid: process.pid }));
    try {
      lesson.journalChanged();
      // Calls cut off on a node that died are reported now (ambiguous), not when the next one is due.
      if (lesson.hasCutOff()) await lesson.settle();
      for (;;) {
        if (holding.lost) throw new FencedError(runId);
        if (this.leaving && !lesson.running) {
          await job.moveToWait(token);
          throw new WaitingError();
        }
        if (!lesson.running && lesson.nextDue() === undefined) return 'finished';
        await sleep(HOLD_POLL_MS);
      }
    } finally {
      if (this.held.get(runId) === holding) this.held.delete(runId);
    }
  }

  /** The lock of a lesson was lost: its engine run stops at once (sending nothing more: its writes are fenced). */
  private lost(runId: string): void {
    const h = this.held.get(runId);
    if (!h || h.lost) return;
    h.lost = true;
    const lesson = this.term?.byId(runId);
    this.o.say(msg('cluster.log.lostLock', { file: lesson?.display ?? runId }));
    void lesson?.stop().catch(() => undefined);
  }

  private journalGrew(runId: string): void {
    this.toSync.add(runId);
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = undefined;
      const ids = [...this.toSync];
      this.toSync.clear();
      this.mirror.sync(ids).then(
        () => {
          for (const id of ids) this.term?.byId(id)?.journalChanged();
        },
        () => {
          for (const id of ids) this.toSync.add(id);
        },
      );
    }, SYNC_COALESCE_MS);
  }

  beginLeave(): void {
    this.leaving = true;
  }

  async leave(): Promise<void> {
    this.leaving = true;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    const closing = (async () => {
      await this.worker?.close();
      await this.queue?.close();
      await this.limiter?.close();
      for (const c of this.connections) await c.quit();
      await this.sub.quit();
      await this.redis.quit();
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      void this.worker?.close(true).catch(() => undefined);
      for (const c of this.connections) c.disconnect();
      this.sub.disconnect();
      this.redis.disconnect();
    }
  }
}
