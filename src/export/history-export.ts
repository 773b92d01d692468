import { constants } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExitCodes, RunbookError } from '../core/errors.js';
import { FileError, toFileError, withFileErrorsAsync } from '../core/file-error.js';
import { formatMessage, msg, type Msg } from '../i18n/index.js';
import { inStep } from '../transport/errors.js';
import type { SpeakListBytesPage, SpeakRecord } from '../polyv/types.js';
import type { PolyvApi } from '../transport/api.js';
import { bytesToText } from '../transport/body-text.js';
import { fsyncFolder } from './atomic-file.js';
import type { ExportDone } from './chat-export.js';
import type { CheckpointPort } from './checkpoint.js';
import { LineBuffer } from './line-buffer.js';
import { csvHeader, csvRow, jsonlRow, NOT_AN_OBJECT, shapeProblem, speakerOf } from './record-format.js';
import { exportFileName, insideDir } from './safe-path.js';

export interface HistoryCheckpoint {
  /** The cursor to ask for next; absent before the first page. */
  readonly cursor?: string;
  /** Bytes of the partial file that are durable and belong to the pages before `cursor`. */
  readonly bytes: number;
  readonly records: number;
  /** Ids written from the last page, to drop a record a page boundary repeats. */
  readonly lastIds: readonly string[];
  /** Records written although they are not as documented (see recordProblem); absent: none. */
  readonly malformed?: number;
  /** Entries of `list` that are not records at all (not objects): counted, nothing to write. */
  readonly unwritable?: number;
  /** Where the first malformed record was and what was wrong with it, for the report (English). */
  readonly firstProblem?: string;
  /** The same as key + params (checkpoints of older runs lack it). */
  readonly firstProblemText?: Msg;
  /** Where the first entry that is not a record was (English). */
  readonly firstUnwritable?: string;
  readonly firstUnwritableText?: Msg;
  readonly done?: ExportDone;
}

export interface HistoryProgress {
  readonly pages: number;
  readonly records: number;
  readonly recordsPerSecond: number;
}

export interface HistoryExportOptions {
  /** Keep only this channel's records (the API is account-wide: a channel's records are those whose roomId matches). */
  readonly channelId?: string;
  readonly from?: number;
  readonly to?: number;
  readonly format: 'jsonl' | 'csv';
  readonly pageSize?: number;
  readonly outDir: string;
  readonly date: string;
  readonly stepId?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: HistoryProgress) => void;
  /** Checkpoint at most this often (each checkpoint fsyncs the data first). Default 1000 ms. */
  readonly checkpointEveryMs?: number;
  /** Test hook: called after each page is written. */
  readonly afterPage?: (pages: number) => void;
}

/** Why the pages make no progress. */
export type PagingFault = 'repeated' | 'cycle' | 'missing' | 'no-new';

/**
 * The platform's pages make no progress: a cursor came back again, led back to an earlier page, was
 * missing, or a page held nothing not already written. Following it would write the same records
 * forever; the export stops with what it has written (kept in the partial file, for a resume).
 */
export class HistoryPagingError extends RunbookError {
  override readonly name = 'HistoryPagingError';
  constructor(
    readonly fault: PagingFault,
    readonly cursor: string,
    readonly pages: number,
    readonly records: number,
    readonly partial: string,
    stepId?: string,
  ) {
    const at = { cursor: JSON.stringify(cursor) };
    const why: Record<PagingFault, Msg> = {
      repeated: msg('error.export.paging.repeated', at),
      cycle: msg('error.export.paging.cycle', at),
      missing: cursor ? msg('error.export.paging.missing', at) : msg('error.export.paging.missingFirst'),
      'no-new': msg('error.export.paging.noNew', at),
    };
    super(
      'E_HISTORY_PAGING',
      inStep(stepId, msg('error.export.paging.stopped', { why: why[fault], pages: String(pages), records: String(records), partial })),
      ExitCodes.FAILED,
    );
  }
}

/**
 * The full chat history, cursor page by cursor page until a page comes back empty, streamed to
 * JSON Lines or CSV in constant memory. Resumable: the last cursor and the byte length of the
 * partial file are checkpointed after the data is fsynced; a resumed export cuts the partial file
 * back to that length and asks for the next page from that cursor, so no record is lost or doubled.
 * Deduplication keeps only the previous page's ids: cursors move forward, so a repeat can only
 * straddle one boundary — and a cursor that does not move forward (repeated, cycling, missing, or two
 * pages in a row of nothing new) stops the export with a HistoryPagingError before anything is written twice.
 * A record not as documented is written as it came and counted (ExportDone.malformed). The finished
 * file is renamed from `<name>.partial` atomically.
 */
export async function runHistoryExport(api: PolyvApi, o: HistoryExportOptions, checkpoint: CheckpointPort<HistoryCheckpoint>): Promise<ExportDone> {
  const saved = checkpoint.load();
  if (saved?.done) return saved.done;
  const name = exportFileName(o.channelId ?? 'all', o.date, 'history', o.format);
  const file = insideDir(o.outDir, name);
  const partial = `${file}.partial`;
  let state: HistoryCheckpoint = saved ?? { bytes: 0, records: 0, lastIds: [] };
  const fh = await openPartial(partial, saved !== undefined);
  try {
    if (saved) await fh.truncate(saved.bytes);
    // `position` is where the next write goes; it is reserved when the write is issued, so one
    // page can be written while the next is converted (at most one write in flight).
    let position = state.bytes;
    let lastWrite: Promise<void> = Promise.resolve();
    const lines = new LineBuffer();
    // Writes what `lines` holds. Awaiting the previous write first is what lets `lines` reuse its memory.
    const writeLines = async (): Promise<void> => {
      const buf = lines.take();
      let at = position;
      position += buf.length;
      await lastWrite;
      const write = async (): Promise<void> => {
        let off = 0;
        while (off < buf.length) {
          const { bytesWritten } = await fh.write(buf, off, buf.length - off, at);
          off += bytesWritten;
          at += bytesWritten;
        }
      };
      lastWrite = write();
      // Handled here so a failing write never becomes an unhandled rejection; awaiting it still throws.
      lastWrite.catch(() => undefined);
    };
    if (!saved && o.format === 'csv') {
      lines.append(csvHeader(), 'utf8');
      await writeLines();
    }
    const started = Date.now();
    let lastCheckpoint = 0;
    let syncing: Promise<void> | undefined;
    let syncError: unknown;
    let pages = 0;
    let records = state.records;
    let malformed = state.malformed ?? 0;
    let unwritable = state.unwritable ?? 0;
    let firstProblem = state.firstProblemText ?? (state.firstProblem !== undefined ? msg('error.plain', { message: state.firstProblem }) : undefined);
    let firstUnwritable =
      state.firstUnwritableText ?? (state.firstUnwritable !== undefined ? msg('error.plain', { message: state.firstUnwritable }) : undefined);
    let cursor = state.cursor;
    let prevIds = new Set(state.lastIds);
    // Every cursor asked for in this process: one coming back means the pages go round.
    const asked = new Set<string>(cursor !== undefined ? [cursor] : []);
    /** The previous page brought no record not already written. */
    let stale = false;
    const snapshot = (): HistoryCheckpoint => ({
      ...(cursor !== undefined ? { cursor } : {}),
      bytes: position,
      records,
      lastIds: [...prevIds],
      ...(malformed ? { malformed } : {}),
      ...(unwritable ? { unwritable } : {}),
      ...problemFields(firstProblem, firstUnwritable),
    });
    // fsync flushes everything written so far; the checkpoint then records exactly that much.
    const saveCheckpoint = (cp: HistoryCheckpoint): Promise<void> =>
      lastWrite
        .then(() => fh.sync())
        .then(() => checkpoint.save(cp))
        .then(() => void (state = cp));
    // Stops on a page that makes no progress, with everything before it durable for a resume.
    const stop = async (fault: PagingFault, at: string): Promise<never> => {
      await syncing;
      await saveCheckpoint(snapshot());
      throw new HistoryPagingError(fault, at, pages, records, partial, o.stepId);
    };
    // Pages come as byte strings when that is exact (see BodyText): the text is passed through to
    // the file as the platform's own UTF-8 bytes, never decoded and encoded again.
    const fetchPage = (c: string | undefined): Promise<SpeakListBytesPage> =>
      api.getSpeakListBytes(
        {
          userId: api.userId,
          ...(o.from !== undefined ? { startTime: o.from } : {}),
          ...(o.to !== undefined ? { endTime: o.to } : {}),
          size: o.pageSize ?? 1000,
          ...(c ? { cursor: c } : {}),
        },
        { ...(o.signal ? { signal: o.signal } : {}), ...(o.stepId ? { stepId: o.stepId } : {}) },
      );
    let next = fetchPage(cursor);
    for (;;) {
      const page = await next;
      if (page.list.length === 0) break;
      const at = cursor ?? '';
      if (page.cursor === '') await stop('missing', at);
      if (page.cursor === cursor) await stop('repeated', at);
      if (asked.has(page.cursor)) await stop('cycle', page.cursor);
      // Ask for the following page while this one is written.
      next = fetchPage(page.cursor);
      next.catch(() => undefined);
      const ids = new Set<string>();
      let fresh = 0;
      const encoding = page.textAs === 'bytes' ? 'latin1' : 'utf8';
      for (let k = 0; k < page.list.length; k += 1) {
        // Yield now and then, so the request for the next page goes out (and its answer comes in)
        // while this page is converted: the server prepares page N+1 while we write page N.
        if (k % 100 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const r = page.list[k] as SpeakRecord | null;
        const problem = shapeProblem(r);
        if (problem === NOT_AN_OBJECT) {
          fresh += 1;
          unwritable += 1;
          firstUnwritable ??= msg('error.export.record.where', { page: String(pages + 1), entry: String(k + 1) });
          continue;
        }
        const rec = r!;
        // Ids are compared as text, however the page holds it (they are ASCII in practice).
        const id =
          typeof rec.id === 'string' ? (page.textAs === 'bytes' ? bytesToText(rec.id) : rec.id) : typeof rec.id === 'number' ? String(rec.id) : undefined;
        if (id !== undefined) {
          const seen = ids.has(id) || prevIds.has(id);
          // Kept even when seen: the next page is compared with everything this one held.
          ids.add(id);
          if (seen) continue;
        }
        fresh += 1;
        // A record with no room cannot be told apart from this channel's: kept, and counted.
        const room = rec.roomId === undefined || rec.roomId === null ? undefined : String(rec.roomId);
        if (o.channelId !== undefined && room !== undefined && room !== o.channelId) continue;
        const speaker = speakerOf(rec);
        const flaw = problem ?? (room === undefined ? NO_ROOM : speaker === undefined ? USER_NOT_JSON : undefined);
        if (flaw) {
          malformed += 1;
          const where = { page: String(pages + 1), entry: String(k + 1), problem: flaw };
          firstProblem ??= id !== undefined ? msg('error.export.record.problemWithId', { ...where, id }) : msg('error.export.record.problem', where);
        }
        lines.append(o.format === 'csv' ? csvRow(rec, speaker) : jsonlRow(rec, speaker), encoding);
        records += 1;
      }
      // One page of repeats may be a boundary repeat on tiny pages; two in a row is no progress.
      if (fresh === 0 && stale) await stop('no-new', at);
      stale = fresh === 0;
      if (lines.size > 0) await writeLines();
      prevIds = ids;
      cursor = page.cursor;
      asked.add(page.cursor);
      pages += 1;
      const every = o.checkpointEveryMs ?? 1000;
      if (syncError) throw syncError;
      if (!syncing && Date.now() - lastCheckpoint >= every) {
        // In the background (so a slow fsync does not stall the pages), unless asked for every page.
        lastCheckpoint = Date.now();
        const work = saveCheckpoint(snapshot())
          .catch((err: unknown) => void (syncError = err))
          .finally(() => (syncing = undefined));
        syncing = work;
        if (every === 0) await work;
      }
      o.onProgress?.({ pages, records, recordsPerSecond: records / Math.max(0.001, (Date.now() - started) / 1000) });
      o.afterPage?.(pages);
    }
    await lastWrite;
    await syncing;
    if (syncError) throw syncError;
    await fh.sync();
    await fh.close();
    await rename(partial, file);
    await fsyncFolder(dirname(file));
    const done: ExportDone = {
      file,
      bytes: position,
      records,
      ...(malformed ? { malformed } : {}),
      ...(unwritable ? { unwritable } : {}),
      ...problemFields(firstProblem, firstUnwritable),
    };
    state = { ...snapshot(), done };
    await checkpoint.save(state);
    return done;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw toFileError(err, WHAT_WRITE, partial);
  }
}

const WHAT_WRITE = msg('error.file.what.writeHistory');
const NO_ROOM = msg('error.export.record.noRoomId');
const USER_NOT_JSON = msg('error.export.record.userNotJson');

/** The first problems, in English (as checkpoints always held them) and as messages. */
function problemFields(
  firstProblem: Msg | undefined,
  firstUnwritable: Msg | undefined,
): Pick<HistoryCheckpoint, 'firstProblem' | 'firstProblemText' | 'firstUnwritable' | 'firstUnwritableText'> {
  return {
    ...(firstProblem ? { firstProblem: formatMessage(firstProblem, 'en'), firstProblemText: firstProblem } : {}),
    ...(firstUnwritable ? { firstUnwritable: formatMessage(firstUnwritable, 'en'), firstUnwritableText: firstUnwritable } : {}),
  };
}

/**
 * Opens the partial file without following a link planted in its place: a fresh export replaces
 * whatever is at the name (unlink removes a link itself, not its target) and creates the file
 * exclusively; a resumed one opens the existing file and checks it is a regular file.
 */
async function openPartial(partial: string, resume: boolean): Promise<FileHandle> {
  return withFileErrorsAsync(WHAT_WRITE, partial, async () => {
    await mkdir(dirname(partial), { recursive: true });
    if (!resume) await rm(partial, { force: true });
    const flags = resume ? constants.O_RDWR | constants.O_NOFOLLOW : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fh = await open(partial, flags, 0o644);
    if (!(await fh.stat()).isFile()) {
      await fh.close();
      throw new FileError(WHAT_WRITE, partial, undefined, msg('error.file.notRegular'));
    }
    return fh;
  });
}
