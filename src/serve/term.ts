import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import type { EngineClock } from '../engine/clock.js';
import { list, msg, time, type Msg } from '../i18n/index.js';
import type { CheckinAction } from '../plan/types.js';
import type { PolyvApi } from '../transport/api.js';
import { lessonRunId, stateDirFor } from '../api/lesson-id.js';
import type { ActionView } from './action-view.js';
import { discoverPlaybooks } from './discover.js';
import { Lesson, type LessonSource } from './lesson.js';
import { crossFileViolations, planEach, planFiles, templatesOf, type PlannedFile } from './term-plan.js';

/** A lesson's engine run starts this long before its first call not yet made is due. */
const START_AHEAD_MS = 30_000;

/** A lesson whose next call is further off than this, and that nobody looked at for PACK_IDLE_MS, keeps its plan packed. */
const PACK_FAR_MS = 3_600_000;
const PACK_IDLE_MS = 10_000;
const PACK_PER_TICK = 5;
const PACK_CLEAR_MS = 1000;

/** How often the term looks for lessons to start. */
const TICK_MS = 250;

export interface TermOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly stateDir?: string;
  readonly api: PolyvApi;
  readonly clock: EngineClock;
  readonly pid: number;
  readonly isAlive: (pid: number) => boolean;
  /** A line of the serve log, as a message (serve formats it in the CLI's language). */
  readonly log: (line: Msg) => void;
}

/** A file whose last version did not validate; `kept`: its last good plan keeps running. */
export interface Rejection {
  readonly file: string;
  readonly display: string;
  readonly at: number;
  readonly kept: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

export type TermEvent =
  | { readonly type: 'lesson'; readonly lesson: Lesson }
  | { readonly type: 'action'; readonly lesson: Lesson; readonly action: ActionView }
  | { readonly type: 'rejected'; readonly rejection: Rejection }
  | { readonly type: 'accepted'; readonly file: string; readonly display: string };

/**
 * The lessons of a term served by one process: every playbook under the paths, templates told apart
 * (files other playbooks extend), validated together, each lesson run at its time (see Lesson), and
 * every change to the files applied when it validates — or shown, changing nothing, when it does not.
 */
export class Term {
  readonly lessons = new Map<string, Lesson>();
  readonly rejected = new Map<string, Rejection>();
  templates = new Set<string>();
  private readonly chains = new Map<string, readonly string[]>();
  private readonly hashes = new Map<string, string>();
  /** Each file's size, times and inode when its hash was taken (see rescan's `quick`). */
  private readonly stats = new Map<string, string>();
  private readonly listeners = new Set<(e: TermEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  constructor(private readonly o: TermOptions) {}

  byId(id: string): Lesson | undefined {
    for (const l of this.lessons.values()) if (l.id === id) return l;
    return undefined;
  }

  on(listener: (e: TermEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  display(file: string): string {
    const r = relative(this.o.cwd, file);
    return r.startsWith('..') || isAbsolute(r) ? file : r;
  }

  /**
   * Loads, validates together and plans every playbook under the paths. Files are planned one at a
   * time and a lesson far from its time is packed at once (see Lesson.pack): a term of thousands of
   * lessons never holds all its plans as objects together.
   */
  load(): void {
    const files = discoverPlaybooks(this.o.paths, this.o.cwd);
    for (const f of files) this.remember(f);
    const now = this.o.clock.now();
    const made = new Map<string, Lesson>();
    const failed = new Map<string, readonly Diagnostic[]>();
    const chains: PlannedFile[] = [];
    for (const p of planEach(files, this.o.cwd, now)) {
      this.chains.set(p.file, p.chain);
      chains.push({ file: p.file, chain: p.chain, diagnostics: [] });
      if (!p.plan) {
        failed.set(p.file, p.diagnostics);
        continue;
      }
      const lesson = this.makeLesson(this.sourceOf(p));
      lesson.pack(this.o.clock.now(), PACK_FAR_MS, 0);
      made.set(p.file, lesson);
    }
    this.templates = templatesOf(chains);
    // Extended files may live outside the paths: their content is known from now on too.
    for (const f of this.files()) if (!this.hashes.has(f)) this.remember(f);
    const good = [...made].filter(([f]) => !this.templates.has(f)).map(([file, l]) => ({ file, start: l.outline.event.start, checkins: l.outline.checkins }));
    const blamed = this.crossFileRejects(good, new Set(good.map((g) => g.file)));
    for (const file of files) {
      if (this.templates.has(file)) continue;
      const diagnostics = blamed.get(file) ?? failed.get(file);
      if (diagnostics) this.reject(file, diagnostics, false);
      else this.add(made.get(file)!);
    }
  }

  /** Starts the clock: each lesson's engine run starts shortly before its first call is due. */
  start(): void {
    const tick = (): void => {
      const now = this.o.clock.now();
      let soon = Infinity;
      for (const l of this.lessons.values()) {
        void l
          .maybeStart(now, START_AHEAD_MS)
          .catch((err: unknown) => this.o.log(msg('serve.log.couldNotStart', { lesson: l.display, error: err instanceof Error ? err.message : String(err) })));
        if (l.running) soon = Math.min(soon, l.nextDue() ?? Infinity);
      }
      // Packing costs about a millisecond a lesson: a few per tick, and none just before a call is due.
      if (soon - now > PACK_CLEAR_MS) {
        let budget = PACK_PER_TICK;
        for (const l of this.lessons.values()) if (budget > 0 && l.pack(now, PACK_FAR_MS, PACK_IDLE_MS)) budget -= 1;
      }
    };
    tick();
    this.timer = setInterval(tick, TICK_MS);
  }

  /** Stops every lesson's engine run as Ctrl-C does; resolves once all is journaled and unlocked. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.reloading;
    await Promise.all([...this.lessons.values()].map((l) => l.stop()));
  }

  /**
   * Looks at the files again: one reload at a time. `quick` (the watcher's periodic safety net)
   * reads only files whose size, times or inode changed since they were last read; after an event
   * every file is read and hashed.
   */
  rescan(quick = false): Promise<void> {
    this.reloading = this.reloading
      .then(() => this.reload(quick))
      .catch((err: unknown) => this.o.log(msg('serve.log.reloadFailed', { error: err instanceof Error ? err.message : String(err) })));
    return this.reloading;
  }

  /** Every file the term is made of (lessons, templates, rejected), for the watcher. */
  files(): string[] {
    return [...new Set([...this.chains.values()].flat())];
  }

  private async reload(quick: boolean): Promise<void> {
    let files: Set<string>;
    try {
      files = new Set(discoverPlaybooks(this.o.paths, this.o.cwd));
    } catch (err) {
      this.o.log(msg('serve.log.cannotReadPaths', { error: err instanceof Error ? err.message : String(err) }));
      return;
    }
    const changed = new Set<string>();
    const now = new Map<string, string>();
    const sigs = new Map<string, string>();
    for (const f of new Set([...files, ...this.files(), ...this.hashes.keys()])) {
      const sig = statOf(f);
      if (quick && this.hashes.has(f) && sig === this.stats.get(f)) continue;
      const h = hashOf(f);
      now.set(f, h);
      if (h !== this.hashes.get(f)) changed.add(f);
      // A changed file's signature is kept with its new hash, below: a reload that fails before is read again.
      else this.stats.set(f, sig);
      sigs.set(f, sig);
    }
    if (changed.size === 0) return;
    const affected = new Set<string>();
    for (const f of changed) if (files.has(f) || this.lessons.has(f) || this.rejected.has(f)) affected.add(f);
    for (const [file, chain] of this.chains) if (chain.some((c) => changed.has(c)) && !this.templates.has(file)) affected.add(file);
    const planned = planFiles(
      [...affected].filter((f) => !this.templates.has(f) || files.has(f)),
      this.o.cwd,
      this.o.clock.now(),
    );
    const chainsAfter = new Map(this.chains);
    for (const p of planned) chainsAfter.set(p.file, p.chain);
    const templates = templatesOf(
      [...chainsAfter].filter(([f]) => files.has(f) || this.lessons.has(f)).map(([file, chain]) => ({ file, chain, diagnostics: [] })),
      this.templates,
    );
    for (const f of changed) {
      this.hashes.set(f, now.get(f)!);
      this.stats.set(f, sigs.get(f)!);
    }
    for (const [f, chain] of chainsAfter) this.chains.set(f, chain);
    this.templates = templates;

    const results = planned.filter((p) => !templates.has(p.file));
    const failed = new Map<string, readonly Diagnostic[]>();
    for (const p of results) if (!p.plan) failed.set(p.file, p.diagnostics);
    // A changed template whose new version breaks any lesson changes none of them.
    for (const t of changed) {
      if (!templates.has(t)) continue;
      const dependents = results.filter((p) => p.chain.includes(t));
      const broken = dependents.filter((p) => failed.has(p.file));
      if (broken.length === 0) continue;
      for (const p of dependents) {
        if (!failed.has(p.file))
          failed.set(p.file, [
            {
              code: DiagnosticCodes.INVALID_VALUE,
              severity: 'error',
              message: msg('serve.term.templateBreaks', { template: this.display(t), lessons: list(broken.map((b) => this.display(b.file))) }),
              location: { file: this.display(t), line: 1, col: 1 },
            },
          ]);
      }
    }
    const good = results.flatMap((p) =>
      p.plan && !failed.has(p.file)
        ? [{ file: p.file, start: p.plan.event.start, checkins: p.plan.actions.filter((a): a is CheckinAction => a.kind === 'checkin') }]
        : [],
    );
    for (const [file, d] of this.crossFileRejects(good, new Set(good.map((g) => g.file)))) failed.set(file, d);

    for (const p of results) {
      const diagnostics = failed.get(p.file);
      if (diagnostics) {
        this.reject(p.file, diagnostics, this.lessons.has(p.file));
        continue;
      }
      await this.accept(this.sourceOf(p));
    }
  }

  /**
   * The check-in rule across lessons, with `fresh` files' plans in place of their lessons' current
   * ones. A collision refuses one lesson only, so the rest of the term keeps running: a fresh file
   * rather than a served lesson (the change is to blame, not what already runs), and of two fresh
   * files (at load) the lesson that starts later, by file name when both start together. Once a
   * lesson is refused its other collisions are left to the next round (without it), so one
   * collision never refuses both sides. Its diagnostic names both steps and both files.
   */
  private crossFileRejects(
    fresh: readonly { file: string; start: number; checkins: readonly CheckinAction[] }[],
    freshFiles: ReadonlySet<string>,
  ): Map<string, Diagnostic[]> {
    const rejected = new Map<string, Diagnostic[]>();
    const startOf = new Map(fresh.map((f) => [f.file, f.start]));
    const later = (a: string, b: string): string => {
      const sa = startOf.get(a)!;
      const sb = startOf.get(b)!;
      return sa !== sb ? (sa > sb ? a : b) : a > b ? a : b;
    };
    for (let round = 0; round < 10_000; round += 1) {
      const checkins = new Map<string, readonly CheckinAction[]>();
      // A refused fresh file's lesson keeps its last good plan, which stays in the check.
      for (const [file, l] of this.lessons) checkins.set(file, l.outline.checkins);
      for (const f of fresh) if (!rejected.has(f.file)) checkins.set(f.file, f.checkins);
      const now = new Set<string>();
      for (const v of crossFileViolations(
        [...checkins].map(([file, own]) => ({ file, checkins: own })),
        (f) => this.display(f),
      )) {
        // Refused in this round: its new plan is gone from the next round's check.
        if (now.has(v.later) || now.has(v.earlier)) continue;
        // A side refused earlier is in the check by its last good plan, which keeps running: never to blame.
        const laterFresh = freshFiles.has(v.later) && !rejected.has(v.later);
        const earlierFresh = freshFiles.has(v.earlier) && !rejected.has(v.earlier);
        const blame = laterFresh && earlierFresh ? later(v.later, v.earlier) : laterFresh ? v.later : earlierFresh ? v.earlier : undefined;
        if (!blame) continue;
        rejected.set(blame, [v.diagnostic]);
        now.add(blame);
      }
      if (now.size === 0) break;
    }
    return rejected;
  }

  private remember(file: string): void {
    this.stats.set(file, statOf(file));
    this.hashes.set(file, hashOf(file));
  }

  private sourceOf(p: PlannedFile): LessonSource {
    return { file: p.file, display: this.display(p.file), plan: p.plan!, chain: p.chain };
  }

  private add(lesson: Lesson): Lesson {
    this.lessons.set(lesson.file, lesson);
    this.emit({ type: 'lesson', lesson });
    return lesson;
  }

  private makeLesson(source: LessonSource): Lesson {
    return new Lesson(source, stateDirFor(source.file, this.o.cwd, this.o.stateDir), {
      api: this.o.api,
      clock: this.o.clock,
      pid: this.o.pid,
      isAlive: this.o.isAlive,
      log: this.o.log,
      changed: (l, action) => this.emit(action ? { type: 'action', lesson: l, action } : { type: 'lesson', lesson: l }),
    });
  }

  private async accept(source: LessonSource): Promise<void> {
    const wasRejected = this.rejected.delete(source.file);
    const old = this.lessons.get(source.file);
    if (!old) {
      this.add(this.makeLesson(source));
      this.o.log(msg('serve.log.added', { lesson: source.display }));
    } else if (lessonRunId(source.file, old.stateDir, source.plan.event.start) !== old.id) {
      const from = old.outline.event.start;
      // The journal is the lesson's at its start: a lesson that has begun cannot move.
      if (old.hasProgress()) {
        this.reject(
          source.file,
          [
            {
              code: DiagnosticCodes.EVENT_TIMES,
              severity: 'error',
              message: msg('serve.term.startCannotMove', { start: time(from, old.outline.event.zone, 'full') }),
              location: { file: source.display, line: 1, col: 1 },
            },
          ],
          true,
        );
        return;
      }
      await old.stop();
      this.lessons.delete(source.file);
      this.add(this.makeLesson(source));
      this.o.log(msg('serve.log.moved', { lesson: source.display, start: time(source.plan.event.start, source.plan.event.zone, 'full') }));
    } else {
      await old.applyEdit(
        source,
        source.chain.map((file) => ({ file: this.display(file), sha256: this.hashes.get(file) ?? hashOf(file) })),
      );
    }
    if (wasRejected) this.emit({ type: 'accepted', file: source.file, display: source.display });
  }

  private reject(file: string, diagnostics: readonly Diagnostic[], kept: boolean): void {
    const rejection: Rejection = { file, display: this.display(file), at: this.o.clock.now(), kept, diagnostics };
    this.rejected.set(file, rejection);
    this.o.log(msg(kept ? 'serve.log.rejectedKept' : 'serve.log.rejectedNew', { lesson: rejection.display }));
    for (const d of diagnostics)
      this.o.log(
        msg('serve.log.diagnostic', {
          file: d.location.file,
          line: String(d.location.line),
          col: String(d.location.col),
          severity: msg(`serve.severity.${d.severity}`),
          code: d.code,
          message: d.message,
        }),
      );
    this.emit({ type: 'rejected', rejection });
  }

  private emit(e: TermEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** The sha256 of a file's content; '' when it cannot be read. */
function hashOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return '';
  }
}

/** What changes whenever a file's content may have: size, modification and change times, inode. */
function statOf(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
  } catch {
    return '';
  }
}
