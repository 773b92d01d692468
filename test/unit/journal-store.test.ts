import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCodes } from '../../src/core/errors.js';
import { FileError } from '../../src/core/file-error.js';
import { acquireLock, Journal, JournalCorruptError, JournalGoneError, journalPath, LockHeldError, readJournal, replay } from '../../src/journal/index.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'rb-journal-'));

describe('journal', () => {
  it('appends durable and deferred records in order and counts every write', async () => {
    const d = dir();
    const counts: number[] = [];
    const j = Journal.open(d, 'run1', { afterWrite: (n) => counts.push(n) });
    j.appendDurable([
      { t: 'intent', unit: 'a', at: 1 },
      { t: 'intent', unit: 'b', at: 1 },
    ]);
    void j.appendLater({ t: 'outcome', unit: 'a', at: 2, result: 'ok', latenessMs: 1 });
    await j.appendLater({ t: 'checkpoint', unit: 'x', at: 3, data: { cursor: 7 } });
    await j.close();
    expect(counts).toEqual([1, 2, 3, 4]);
    const recs = readJournal(journalPath(d, 'run1'));
    expect(recs.map((r) => r.t)).toEqual(['intent', 'intent', 'outcome', 'checkpoint']);
  });

  it('commits deferred records in groups, in order, each promise settling once its record is on disk', async () => {
    const d = dir();
    const j = Journal.open(d, 'group');
    const p = journalPath(d, 'group');
    const settled: number[] = [];
    const all = Array.from({ length: 100 }, (_, i) =>
      j.appendLater({ t: 'outcome', unit: `u${i}`, at: i, result: 'ok' }).then(() => {
        // Durable means readable back, with every record before it.
        expect(readJournal(p).length).toBeGreaterThanOrEqual(i + 1);
        settled.push(i);
      }),
    );
    await Promise.all(all);
    await j.close();
    expect(settled).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(readJournal(p).map((r) => (r as { unit: string }).unit)).toEqual(Array.from({ length: 100 }, (_, i) => `u${i}`));
  });

  it('tolerates a torn last line and refuses a corrupt line in the middle', () => {
    const d = dir();
    const p = journalPath(d, 'r');
    writeFileSync(p, `${JSON.stringify({ t: 'intent', unit: 'a', at: 1 })}\n{"t":"outc`);
    expect(readJournal(p)).toHaveLength(1);
    appendFileSync(p, `\n${JSON.stringify({ t: 'intent', unit: 'b', at: 2 })}\n`);
    expect(() => readJournal(p)).toThrow(/line 2/);
    expect(readJournal(join(d, 'missing.jsonl'))).toEqual([]);
  });

  it('repairs a torn last line when opened, durably, so new records never follow a fragment', async () => {
    const d = dir();
    const p = journalPath(d, 'torn');
    const whole = `${JSON.stringify({ t: 'intent', unit: 'a', at: 1 })}\n`;
    writeFileSync(p, `${whole}{"t":"outc`);
    const j = Journal.open(d, 'torn');
    expect(j.repaired).toEqual({ path: p, bytes: 10 });
    expect(readFileSync(p, 'utf8')).toBe(whole);
    await j.appendLater({ t: 'outcome', unit: 'a', at: 2, result: 'ok' });
    j.appendDurable([{ t: 'intent', unit: 'b', at: 3 }]);
    await j.close();
    // Every status and run after this reads the journal whole (before: "line 2 is corrupt").
    expect(readJournal(p).map((r) => r.t)).toEqual(['intent', 'outcome', 'intent']);
    const again = Journal.open(d, 'torn');
    expect(again.repaired).toBeUndefined();
    await again.close();
  });

  it('a corrupt line that is not the last is a JournalCorruptError (exit 2), naming the line', () => {
    const d = dir();
    const p = journalPath(d, 'bad');
    writeFileSync(p, `{"t":"intent"\n${JSON.stringify({ t: 'intent', unit: 'b', at: 2 })}\n`);
    expect(() => readJournal(p)).toThrow(JournalCorruptError);
    expect(() => readJournal(p)).toThrow(/line 1/);
  });

  it.each(['deleted', 'replaced'] as const)('notices a journal %s mid-run and refuses every later write', async (how) => {
    const d = dir();
    const j = Journal.open(d, 'gone');
    j.appendDurable([{ t: 'intent', unit: 'a', at: 1 }]);
    rmSync(j.path);
    if (how === 'replaced') writeFileSync(j.path, '');
    expect(() => j.appendDurable([{ t: 'intent', unit: 'b', at: 2 }])).toThrow(JournalGoneError);
    expect(() => j.appendDurable([{ t: 'intent', unit: 'c', at: 2 }])).toThrow(new RegExp(`was ${how} while the run was writing it`));
    await expect(j.appendLater({ t: 'outcome', unit: 'a', at: 3, result: 'ok' })).rejects.toBeInstanceOf(JournalGoneError);
    await j.close();
  });

  it('refuses a symbolic link planted where the journal goes', () => {
    const d = dir();
    writeFileSync(join(d, 'target'), 'precious');
    symlinkSync(join(d, 'target'), journalPath(d, 'link'));
    expect(() => Journal.open(d, 'link')).toThrow(FileError);
    expect(readFileSync(join(d, 'target'), 'utf8')).toBe('precious');
  });

  it('replays: an intent without outcome is in flight (ambiguous), the last checkpoint wins', () => {
    const { units, checkpoints, starts } = replay([
      { t: 'run-start', runId: 'r', at: 0, pid: 1, host: 'h', file: 'f', start: 0, actions: [] },
      { t: 'intent', unit: 'a', at: 1 },
      { t: 'intent', unit: 'b', at: 1 },
      { t: 'outcome', unit: 'a', at: 2, result: 'ok' },
      { t: 'checkpoint', unit: 'e', at: 3, data: 1 },
      { t: 'checkpoint', unit: 'e', at: 4, data: 2 },
      { t: 'run-start', runId: 'r', at: 5, pid: 2, host: 'h', file: 'f', start: 0, actions: [] },
    ]);
    expect(starts).toBe(2);
    expect(units.get('a')).toMatchObject({ intent: true, outcome: { result: 'ok' } });
    expect(units.get('b')).toEqual({ intent: true });
    expect(checkpoints.get('e')).toBe(2);
  });
});

describe('lock', () => {
  it('refuses a second holder while the first is alive, naming it, and frees on release', () => {
    const d = dir();
    const first = acquireLock(d, 'r', () => true, 111);
    let err: unknown;
    try {
      acquireLock(d, 'r', () => true, 222);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).exitCode).toBe(ExitCodes.LOCKED);
    expect((err as LockHeldError).holder).toMatchObject({ pid: 111, host: hostname() });
    first.release();
    expect(existsSync(join(d, 'r.lock'))).toBe(false);
    acquireLock(d, 'r', () => true, 222).release();
  });

  it('takes over a lock whose holder died on this host, and reports it', () => {
    const d = dir();
    acquireLock(d, 'r', () => true, 111);
    const second = acquireLock(d, 'r', (pid) => pid !== 111, 222);
    expect(second.recovered).toMatchObject({ pid: 111 });
    expect(JSON.parse(readFileSync(join(d, 'r.lock'), 'utf8'))).toMatchObject({ pid: 222 });
  });

  it('respects a lock held on another host even if the pid is not alive here', () => {
    const d = dir();
    writeFileSync(join(d, 'r.lock'), JSON.stringify({ host: 'elsewhere', pid: 1, since: 0 }));
    expect(() => acquireLock(d, 'r', () => false, 222)).toThrow(LockHeldError);
  });
});
