import { ExitCodes, RunbookError } from '../core/errors.js';
import type { PolyvApi } from '../transport/api.js';
import { isNotReady } from '../transport/classify.js';
import { msg } from '../i18n/index.js';
import { inStep, PolyvApiError } from '../transport/errors.js';
import { abortableSleep } from '../transport/rate-limiter.js';
import { ensureWritableFolder, writeAtomically } from './atomic-file.js';
import type { ExportDone } from './chat-export.js';
import type { CheckpointPort } from './checkpoint.js';
import { exportFileName, insideDir } from './safe-path.js';

export interface ReportExportOptions {
  readonly channelId: string;
  readonly sessionId: string;
  readonly outDir: string;
  readonly date: string;
  /** Stop retrying "not ready" at this instant (ms epoch). */
  readonly deadline: number;
  readonly stepId?: string;
  readonly signal?: AbortSignal;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

/** The session report was still "not ready" at the deadline. */
export class ReportNotReadyError extends RunbookError {
  override readonly name = 'ReportNotReadyError';
  constructor(
    readonly channelId: string,
    readonly sessionId: string,
    attempts: number,
    stepId?: string,
  ) {
    super(
      'E_REPORT_NOT_READY',
      inStep(stepId, msg('error.export.reportNotReady', { channel: channelId, session: sessionId, attempts: String(attempts) })),
      ExitCodes.FAILED,
    );
  }
}

/** session/stats/export, retried while "Report is not ready yet", then the xlsx downloaded atomically. */
export async function runReportExport(api: PolyvApi, o: ReportExportOptions, checkpoint: CheckpointPort<ExportDone>): Promise<ExportDone> {
  const done = checkpoint.load();
  if (done) return done;
  await ensureWritableFolder(o.outDir);
  const sleep = o.sleep ?? abortableSleep;
  const now = o.now ?? Date.now;
  let delay = o.retryBaseMs ?? 2000;
  for (let attempt = 1; ; attempt += 1) {
    let url: string;
    try {
      url = await api.exportSessionStats(
        { channelId: o.channelId, sessionId: o.sessionId },
        { ...(o.signal ? { signal: o.signal } : {}), ...(o.stepId ? { stepId: o.stepId } : {}) },
      );
    } catch (err) {
      if (!(err instanceof PolyvApiError && isNotReady(err))) throw err;
      if (now() + delay > o.deadline) throw new ReportNotReadyError(o.channelId, o.sessionId, attempt, o.stepId);
      await sleep(delay, o.signal);
      delay = Math.min(delay * 2, o.retryMaxMs ?? 60_000);
      continue;
    }
    const file = insideDir(o.outDir, exportFileName(o.channelId, o.date, `report-${o.sessionId}`, 'xlsx'));
    const body = await api.download(url, { ...(o.signal ? { signal: o.signal } : {}), ...(o.stepId ? { stepId: o.stepId } : {}) });
    const bytes = await writeAtomically(body, file, o.signal);
    const result = { file, bytes };
    await checkpoint.save(result);
    return result;
  }
}
