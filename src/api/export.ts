import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { UsageError } from '../core/errors.js';
import { msg } from '../i18n/index.js';
import { toFileError } from '../core/file-error.js';
import { ensureWritableFolder, writeFileAtomically } from '../export/atomic-file.js';
import type { CheckpointPort } from '../export/checkpoint.js';
import { runChatExport, type ExportDone } from '../export/chat-export.js';
import { runHistoryExport, type HistoryProgress } from '../export/history-export.js';
import { runReportExport } from '../export/report-export.js';
import { connect } from './connection.js';

export interface ExportCommandOptions {
  readonly kind: 'chat' | 'history' | 'report';
  readonly channel: string;
  readonly session?: string;
  readonly from?: string;
  readonly to?: string;
  readonly format?: 'jsonl' | 'csv';
  readonly out: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly endpoint?: string;
  readonly sandbox?: boolean;
  readonly profile?: string;
  readonly credentialsFile?: string;
  /** How long to keep asking for a report that is not ready. Default 10 minutes. */
  readonly waitMs?: number;
  readonly signal: AbortSignal;
  readonly onProgress?: (p: HistoryProgress) => void;
  /** Test hook: called after each history page is written. */
  readonly afterPage?: (pages: number) => void;
  readonly now?: number;
}

/**
 * `runbook export chat|history|report`: one export without a playbook. Progress is checkpointed in
 * a small file in the output folder, so an interrupted history export continues where it stopped
 * when the same command is run again; the checkpoint is removed once the export is complete.
 */
export async function exportOneOff(o: ExportCommandOptions): Promise<ExportDone> {
  if (!/^\d{1,20}$/.test(o.channel)) throw new UsageError(msg('run.api.channelNotNumeric', { value: JSON.stringify(o.channel) }));
  if (o.kind === 'report' && !o.session) throw new UsageError(msg('run.api.reportNeedsSession'));
  const now = o.now ?? Date.now();
  const { from, to } = historyWindow(o.from, o.to, now);
  if (o.kind === 'history' && to <= from) throw new UsageError(msg('run.api.toBeforeFrom'));
  const outDir = resolve(o.cwd, o.out);
  // Before anything is asked of the platform (a chat export creates a task there).
  await ensureWritableFolder(outDir);
  const conn = await connect(o, { channels: [o.channel], seedMessages: 2500, seedStartMs: from, seedSpacingMs: Math.max(1, Math.floor((to - from) / 2500)) });
  const client = conn.client;
  const date = DateTime.fromMillis(o.kind === 'history' ? from : now).toFormat('yyyyLLdd');
  const checkpointFile = join(outDir, `.runbook-export-${o.kind}-${o.channel}${o.session ? `-${o.session.replace(/[^\w-]/g, '_')}` : ''}.json`);
  const port = fileCheckpoint<never>(checkpointFile);
  try {
    const common = { channelId: o.channel, outDir, date, signal: o.signal };
    let done: ExportDone;
    if (o.kind === 'chat') done = await runChatExport(client, common, port);
    else if (o.kind === 'report')
      done = await runReportExport(client, { ...common, sessionId: o.session!, deadline: Date.now() + (o.waitMs ?? 600_000) }, port);
    else
      done = await runHistoryExport(
        client,
        {
          ...common,
          from,
          to,
          format: o.format ?? 'jsonl',
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
          ...(o.afterPage ? { afterPage: o.afterPage } : {}),
          checkpointEveryMs: 0,
        },
        port,
      );
    rmSync(checkpointFile, { force: true });
    return done;
  } finally {
    await conn.close();
  }
}

/** How far back a one-off history export reaches when --from is not given. */
export const DEFAULT_HISTORY_WINDOW_MS = 24 * 3_600_000;

/** The window of a one-off history export: --from (default: 24 hours before now) to --to (default: now). */
export function historyWindow(fromText: string | undefined, toText: string | undefined, now: number): { from: number; to: number } {
  const to = toText !== undefined ? parseInstant(toText, '--to') : now;
  const from = fromText !== undefined ? parseInstant(fromText, '--from') : now - DEFAULT_HISTORY_WINDOW_MS;
  if (from > to) throw new UsageError(msg('run.api.emptyWindow', { from: fromText ?? msg('run.api.fromDefault'), to: toText ?? msg('run.api.toDefault') }));
  return { from, to };
}

/** The latest instant a JavaScript Date (and so the platform's 13-digit times) can hold. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * An instant given on the command line: epoch milliseconds (any count of digits: `0` is 1970), or
 * an ISO 8601 time *with* an offset (`Z`, `+08:00`). A time without an offset is refused rather than
 * read in some zone: the machine's zone differs between an operator's laptop and a CI server, and
 * UTC silently shifts a Beijing operator's window by 8 hours — so the one reading that cannot be
 * wrong is the one the operator writes out.
 */
export function parseInstant(text: string, flag: string): number {
  const help = msg('run.api.instantHelp');
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    if (!(ms <= MAX_EPOCH_MS)) throw new UsageError(msg('run.api.instantTooLarge', { flag, text, help }));
    return ms;
  }
  const dt = DateTime.fromISO(text, { setZone: true });
  if (!dt.isValid) throw new UsageError(msg('run.api.instantInvalid', { flag, text, help }));
  if (!/(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(text) || !text.includes('T')) throw new UsageError(msg('run.api.instantNoOffset', { flag, text, help }));
  return dt.toMillis();
}

/** A checkpoint kept in a JSON file, replaced atomically and fsynced on every save. */
function fileCheckpoint<T>(path: string): CheckpointPort<T> {
  return {
    load: () => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw toFileError(err, msg('error.file.what.readExportCheckpoint'), path);
      }
      try {
        return JSON.parse(text) as T;
      } catch {
        // Written atomically, so never torn; unreadable only if edited: start the export afresh.
        return undefined;
      }
    },
    save: (data) => writeFileAtomically(path, JSON.stringify(data)),
  };
}
