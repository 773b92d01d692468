import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import type { EngineClock } from '../engine/clock.js';
import type { PolyvApi } from '../transport/api.js';
import { lessonRunId, stateDirFor } from '../api/lesson-id.js';
import type { ActionView } from './action-view.js';
import { discoverPlaybooks } from './discover.js';
import { Lesson, type LessonSource } from './lesson.js';
import { crossFileViolations, planFiles, templatesOf, type PlannedFile } from './term-plan.js';

/** A lesson's engine run starts this long before its first call not yet made is due. */
const START_AHEAD_MS = 30_000;

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
  readonly log: (line: string) => void;
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

  /** Loads, validates together and plans every playbook under the paths. */
  load(): void {
    const files = discoverPlaybooks(this.o.paths, this.o.cwd);
    for (const f of files) this.hashes.set(f, hashOf(f));
    const planned = planFiles(files, this.o.cwd, this.o.clock.now());
    this.templates = templatesOf(planned);
    for (const p of planned) this.chains.set(p.file, p.chain);
    // Extended files may live outside the paths: their content is known from now on too.
    for (const f of this.files()) if (!this.hashes.has(f)) this.hashes.set(f, hashOf(f));
    const candidates = planned.filter((p) => !this.templates.has(p.file));
    const good = candidates.filter((p): p is PlannedFile & { plan: NonNullable<PlannedFile['plan']> } => p.plan !== undefined);
    const blamed = this.crossFileRejects(good, new Set(good.map((g) => g.file)));
    for (const p of candidates) {
      const diagnostics = blamed.get(p.file) ?? (p.plan ? undefined : p.diagnostics);
      if (diagnostics) this.reject(p.file, diagnostics, false);
      else this.add(this.sourceOf(p));
    }
  }

  /** Starts the clock: each lesson's engine run starts shortly before its first call is due. */
  start(): void {
    const tick = (): void => {
      const now = this.o.clock.now();
      for (const l of this.lessons.values()) void l.maybeStart(now, START_AHEAD_MS).catch((err: unknown) => this.o.log(`${l.source.display}: could not start: ${err instanceof Error ? err.message : String(err)}`));
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

  /** Looks at the files again (after the watcher saw a change): one reload at a time. */
  rescan(): Promise<void> {
    this.reloading = this.reloading.then(() => this.reload()).catch((err: unknown) => this.o.log(`reload failed: ${err instanceof Error ? err.message : String(err)}`));
    return this.reloading;
  }

  /** Every file the term is made of (lessons, templates, rejected), for the watcher. */
  files(): string[] {
    return [...new Set([...this.chains.values()].flat())];
  }

  private async reload(): Promise<void> {
    let files: Set<string>;
    try {
      files = new Set(discoverPlaybooks(this.o.paths, this.o.cwd));
    } catch (err) {
      this.o.log(`cannot read the served paths: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const changed = new Set<string>();
    for (const f of new Set([...files, ...this.files(), ...this.hashes.keys()])) {
      const h = hashOf(f);
      if (h !== this.hashes.get(f)) changed.add(f);
    }
    if (changed.size === 0) return;
    const affected = new Set<string>();
    for (const f of changed) if (files.has(f) || this.lessons.has(f) || this.rejected.has(f)) affected.add(f);
    for (const [file, chain] of this.chains) if (chain.some((c) => changed.has(c)) && !this.templates.has(file)) affected.add(file);
    const planned = planFiles([...affected].filter((f) => !this.templates.has(f) || files.has(f)), this.o.cwd, this.o.clock.now());
    const chainsAfter = new Map(this.chains);
    for (const p of planned) chainsAfter.set(p.file, p.chain);
    const templates = templatesOf([...chainsAfter].filter(([f]) => files.has(f) || this.lessons.has(f)).map(([file, chain]) => ({ file, chain, diagnostics: [] })), this.templates);
    for (const f of changed) this.hashes.set(f, hashOf(f));
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
        if (!failed.has(p.file)) failed.set(p.file, [{ code: DiagnosticCodes.INVALID_VALUE, severity: 'error', message: `the change to ${this.display(t)} does not validate for ${broken.map((b) => this.display(b.file)).join(', ')}; this lesson keeps its last good plan`, location: { file: this.display(t), line: 1, col: 1 } }]);
      }
    }
    const good = results.filter((p): p is PlannedFile & { plan: NonNullable<PlannedFile['plan']> } => p.plan !== undefined && !failed.has(p.file));
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
   * ones. A collision involving a fresh file rejects that file (it is the change); the others keep
   * running. Repeated until no fresh file collides.
   */
  private crossFileRejects(fresh: readonly { file: string; plan: NonNullable<PlannedFile['plan']> }[], freshFiles: ReadonlySet<string>): Map<string, Diagnostic[]> {
    const rejected = new Map<string, Diagnostic[]>();
    for (let round = 0; round < 10; round += 1) {
      const plans = new Map<string, NonNullable<PlannedFile['plan']>>();
      for (const [file, l] of this.lessons) plans.set(file, l.source.plan);
      for (const f of fresh) if (!rejected.has(f.file)) plans.set(f.file, f.plan);
      let more = false;
      for (const v of crossFileViolations([...plans].map(([file, plan]) => ({ file, plan })), (f) => this.display(f))) {
        const blame = freshFiles.has(v.later) && !rejected.has(v.later) ? v.later : freshFiles.has(v.earlier) && !rejected.has(v.earlier) ? v.earlier : undefined;
        if (!blame) continue;
        rejected.set(blame, [...(rejected.get(blame) ?? []), v.diagnostic]);
        more = true;
      }
      if (!more) break;
    }
    return rejected;
  }

  private sourceOf(p: PlannedFile): LessonSource {
    return { file: p.file, display: this.display(p.file), plan: p.plan!, chain: p.chain };
  }

  private add(source: LessonSource): Lesson {
    const lesson = new Lesson(source, stateDirFor(source.file, this.o.cwd, this.o.stateDir), {
      api: this.o.api,
      clock: this.o.clock,
      pid: this.o.pid,
      isAlive: this.o.isAlive,
      log: this.o.log,
      changed: (l, action) => this.emit(action ? { type: 'action', lesson: l, action } : { type: 'lesson', lesson: l }),
    });
    this.lessons.set(source.file, lesson);
    this.emit({ type: 'lesson', lesson });
    return lesson;
  }

  private async accept(source: LessonSource): Promise<void> {
    const wasRejected = this.rejected.delete(source.file);
    const old = this.lessons.get(source.file);
    if (!old) {
      this.add(source);
      this.o.log(`${source.display}: added to the term`);
    } else if (lessonRunId(source.file, old.stateDir, source.plan.event.start) !== old.id) {
      // The journal is the lesson's at its start: a lesson that has begun cannot move.
      if (old.hasProgress()) {
        this.reject(source.file, [{ code: DiagnosticCodes.EVENT_TIMES, severity: 'error', message: `the lesson has begun (its journal has calls); its start cannot move from ${new Date(old.source.plan.event.start).toISOString()} — nothing of this change was applied`, location: { file: source.display, line: 1, col: 1 } }], true);
        return;
      }
      await old.stop();
      this.lessons.delete(source.file);
      this.add(source);
      this.o.log(`${source.display}: the lesson moved to ${new Date(source.plan.event.start).toISOString()}`);
    } else {
      await old.applyEdit(source, source.chain.map((file) => ({ file: this.display(file), sha256: this.hashes.get(file) ?? hashOf(file) })));
    }
    if (wasRejected) this.emit({ type: 'accepted', file: source.file, display: source.display });
  }

  private reject(file: string, diagnostics: readonly Diagnostic[], kept: boolean): void {
    const rejection: Rejection = { file, display: this.display(file), at: this.o.clock.now(), kept, diagnostics };
    this.rejected.set(file, rejection);
    this.o.log(`${rejection.display}: ${kept ? 'the change does not validate; its last good plan keeps running' : 'not served: it does not validate'}`);
    for (const d of diagnostics) this.o.log(`  ${d.location.file}:${d.location.line}:${d.location.col}: ${d.severity} ${d.code} ${d.message}`);
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
