import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SpeakListBytesPage } from '../polyv/types.js';
import type { PolyvApi } from '../transport/api.js';
import { bytesToText } from '../transport/body-text.js';
import { fsyncFile } from './atomic-file.js';
import type { ExportDone } from './chat-export.js';
import type { CheckpointPort } from './checkpoint.js';
import { LineBuffer } from './line-buffer.js';
import { csvHeader, csvRow, jsonlRow } from './record-format.js';
import { exportFileName, insideDir } from './safe-path.js';

export interface HistoryCheckpoint {
  /** The cursor to ask for next; absent before the first page. */
  readonly cursor?: string;
  /** Bytes of the partial file that are durable and belong to the pages before `cursor`. */
  readonly bytes: number;
  readonly records: number;
  /** Ids written from the last page, to drop a record a page boundary repeats. */
  readonly lastIds: readonly string[];
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

/**
 * The full chat history, cursor page by cursor page until a page comes back empty, streamed to
 * JSON Lines or CSV in constant memory. Resumable: the last cursor and the byte length of the
 * partial file are checkpointed after the data is fsynced; a resumed export cuts the partial file
 * back to that length and asks for the next page from that cursor, so no record is lost or doubled.
 * Deduplication keeps only the previous page's ids: cursors move forward, so a repeat can only
 * straddle one boundary. The finished file is renamed from `<name>.partial` atomically.
 */
export async function runHistoryExport(api: PolyvApi, o: HistoryExportOptions, checkpoint: CheckpointPort<HistoryCheckpoint>): Promise<ExportDone> {
  const saved = checkpoint.load();
  if (saved?.done) return saved.done;
  const name = exportFileName(o.channelId ?? 'all', o.date, 'history', o.format);
  const file = insideDir(o.outDir, name);
  const partial = `${file}.partial`;
  await mkdir(dirname(file), { recursive: true });
  let state: HistoryCheckpoint = saved ?? { bytes: 0, records: 0, lastIds: [] };
  const fh: FileHandle = await open(partial, saved ? 'r+' : 'w', 0o644);
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
    let cursor = state.cursor;
    let prevIds = new Set(state.lastIds);
    // Pages come as byte strings when that is exact (see BodyText): the text is passed through to
    // the file as the platform's own UTF-8 bytes, never decoded and encoded again.
    const fetchPage = (c: string | undefined): Promise<SpeakListBytesPage> =>
      api.getSpeakListBytes(
        { userId: api.userId, ...(o.from !== undefined ? { startTime: o.from } : {}), ...(o.to !== undefined ? { endTime: o.to } : {}), size: o.pageSize ?? 1000, ...(c ? { cursor: c } : {}) },
        { ...(o.signal ? { signal: o.signal } : {}), ...(o.stepId ? { stepId: o.stepId } : {}) },
      );
    let next = fetchPage(cursor);
    for (;;) {
      const page = await next;
      if (page.list.length === 0) break;
      // Ask for the following page while this one is written.
      next = fetchPage(page.cursor);
      next.catch(() => undefined);
      const ids = new Set<string>();
      const encoding = page.textAs === 'bytes' ? 'latin1' : 'utf8';
      for (let k = 0; k < page.list.length; k += 1) {
        // Yield now and then, so the request for the next page goes out (and its answer comes in)
        // while this page is converted: the server prepares page N+1 while we write page N.
        if (k % 100 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const r = page.list[k]!;
        // Ids are compared as text, however the page holds it (they are ASCII in practice).
        const id = page.textAs === 'bytes' ? bytesToText(r.id) : r.id;
        if (ids.has(id) || prevIds.has(id)) continue;
        ids.add(id);
        if (o.channelId !== undefined && String(r.roomId) !== o.channelId) continue;
        lines.append(o.format === 'csv' ? csvRow(r) : jsonlRow(r), encoding);
        records += 1;
      }
      if (lines.size > 0) await writeLines();
      prevIds = ids;
      cursor = page.cursor;
      pages += 1;
      const every = o.checkpointEveryMs ?? 1000;
      if (syncError) throw syncError;
      if (!syncing && Date.now() - lastCheckpoint >= every) {
        // fsync flushes everything written so far; the checkpoint then records exactly that much.
        // In the background (so a slow fsync does not stall the pages), unless asked for every page.
        const snapshot: HistoryCheckpoint = { cursor, bytes: position, records, lastIds: [...ids] };
        lastCheckpoint = Date.now();
        const work = lastWrite
          .then(() => fh.sync())
          .then(() => checkpoint.save(snapshot))
          .then(() => void (state = snapshot))
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
    await fsyncFile(dirname(file));
    const done: ExportDone = { file, bytes: position, records };
    state = { ...state, cursor, bytes: position, records };
    await checkpoint.save({ ...state, done });
    return done;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

/** Removes a partial file (when an export is abandoned rather than resumed). */
export async function removePartial(file: string): Promise<void> {
  await rm(`${file}.partial`, { force: true });
}
