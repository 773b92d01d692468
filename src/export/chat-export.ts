import { ExitCodes, RunbookError } from '../core/errors.js';
import type { ChatExportTask } from '../polyv/types.js';
import type { PolyvApi } from '../transport/api.js';
import { msg, type Msg } from '../i18n/index.js';
import { inStep, PolyvApiError, TransportError } from '../transport/errors.js';
import { isRateLimit } from '../transport/classify.js';
import { abortableSleep } from '../transport/rate-limiter.js';
import { DEFAULT_RETRY } from '../transport/limits.js';
import { ensureWritableFolder, writeAtomically } from './atomic-file.js';
import type { CheckpointPort } from './checkpoint.js';
import { allowedExtension, exportFileName, insideDir } from './safe-path.js';

export interface ExportDone {
  readonly file: string;
  readonly bytes: number;
  readonly records?: number;
  /** History: records written as they came although not as documented (no id, no time, `user` not JSON…). */
  readonly malformed?: number;
  /** History: entries of a page that were not records at all (e.g. `null`): counted, not written. */
  readonly unwritable?: number;
  /** History: where the first such record was, and what was wrong with it (English). */
  readonly firstProblem?: string;
  /** The same as key + params, for the reader's language (absent in checkpoints of older runs). */
  readonly firstProblemText?: Msg;
  /** History: where the first entry that is not a record was (English). */
  readonly firstUnwritable?: string;
  readonly firstUnwritableText?: Msg;
}

export interface ChatExportOptions {
  readonly channelId: string;
  readonly outDir: string;
  /** yyyymmdd for the file name (the event's date in its zone). */
  readonly date: string;
  readonly stepId?: string;
  readonly signal?: AbortSignal;
  /** Give up polling after this long. Default 30 minutes. */
  readonly maxWaitMs?: number;
  readonly pollBaseMs?: number;
  readonly pollMaxMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The chat-export task did not finish in time. */
export class ExportTimeoutError extends RunbookError {
  override readonly name = 'ExportTimeoutError';
  constructor(message: Msg) {
    super('E_EXPORT_TIMEOUT', message, ExitCodes.FAILED);
  }
}

/**
 * create-task → poll with backoff while todo/doing → download the file atomically under a name
 * runbook chooses. A finished export recorded in the checkpoint is not redone.
 */
export async function runChatExport(api: PolyvApi, o: ChatExportOptions, checkpoint: CheckpointPort<ExportDone>): Promise<ExportDone> {
  const done = checkpoint.load();
  if (done) return done;
  // The task is created on the platform only once the file it produces has somewhere to go.
  await ensureWritableFolder(o.outDir);
  const sleep = o.sleep ?? abortableSleep;
  const started = Date.now();
  const maxWait = o.maxWaitMs ?? 30 * 60_000;
  let delay = o.pollBaseMs ?? 1000;
  // Failed polls in a row, and when the first of them failed: bounded by the one retry budget.
  let failures = 0;
  let failingSince = 0;
  for (;;) {
    let task: ChatExportTask;
    try {
      task = await api.createChatExportTask(
        { channelId: o.channelId },
        { ...(o.signal ? { signal: o.signal } : {}), ...(o.stepId ? { stepId: o.stepId } : {}) },
      );
    } catch (err) {
      // The client does not resend a create-task whose fate is unknown; but this loop calls it again
      // anyway (that is how the task is polled), so a lost answer only costs one poll — within the
      // same retry budget as any call (a call the client already retried is not retried again).
      if (failures === 0) failingSince = Date.now();
      failures += 1;
      const spent = failures >= DEFAULT_RETRY.maxAttempts || Date.now() - failingSince > DEFAULT_RETRY.maxElapsedMs;
      if (!transient(err) || spent || o.signal?.aborted || Date.now() - started > maxWait) throw err;
      await sleep(delay, o.signal);
      delay = Math.min(delay * 2, o.pollMaxMs ?? 30_000);
      continue;
    }
    failures = 0;
    if (task.status === 'done' && task.url) {
      const ext = allowedExtension(task.url, ['xls', 'xlsx', 'csv', 'txt'], 'xls');
      const file = insideDir(o.outDir, exportFileName(o.channelId, o.date, 'chat-export', ext));
      const body = await api.download(task.url, { ...(o.signal ? { signal: o.signal } : {}), ...(o.stepId ? { stepId: o.stepId } : {}) });
      const bytes = await writeAtomically(body, file, o.signal);
      const result = { file, bytes };
      await checkpoint.save(result);
      return result;
    }
    if (Date.now() - started > maxWait)
      throw new ExportTimeoutError(
        inStep(o.stepId, msg('error.export.chatTimeout', { channel: o.channelId, status: task.status, seconds: String(Math.round(maxWait / 1000)) })),
      );
    await sleep(delay, o.signal);
    delay = Math.min(delay * 2, o.pollMaxMs ?? 30_000);
  }
}

/** A poll whose failure the client did not retry: an answer lost on the way, a 5xx, the rate limit. */
function transient(err: unknown): boolean {
  if (err instanceof TransportError) return err.delivery === 'unknown';
  return err instanceof PolyvApiError && (err.httpStatus >= 500 || isRateLimit(err));
}
