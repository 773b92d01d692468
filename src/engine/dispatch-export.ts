import { DateTime } from 'luxon';
import type { JournalWriter } from '../journal/writer.js';
import type { Plan } from '../plan/types.js';
import type { PolyvApi } from '../transport/api.js';
import type { CheckpointPort } from '../export/checkpoint.js';
import { runChatExport, type ExportDone } from '../export/chat-export.js';
import { runHistoryExport, type HistoryCheckpoint } from '../export/history-export.js';
import { runReportExport } from '../export/report-export.js';
import type { EngineEvent } from './events.js';
import { failureOf } from './failure.js';
import type { RunState } from './run-state.js';
import type { Unit } from './units.js';

type ExportUnit = Extract<Unit, { kind: 'export' }>;

/** Runs export units (src/export does the work), each resumable from its journaled checkpoint. */
export class ExportDispatcher {
  constructor(
    private readonly api: PolyvApi,
    private readonly plan: Plan,
    private readonly state: RunState,
    private readonly journal: JournalWriter | undefined,
    private readonly checkpoints: Map<string, unknown>,
    private readonly signal: AbortSignal,
    private readonly emit: (e: EngineEvent) => void,
  ) {}

  /** Never rejects. An export stopped by Ctrl-C is left without an outcome: a resumed run redoes it from its checkpoint. */
  async dispatch(u: ExportUnit, latenessMs: number): Promise<void> {
    try {
      await this.run(u);
      await this.state.record(u, 'ok', { latenessMs });
    } catch (err) {
      if (this.signal.aborted) return;
      // An export reads (or only polls): whatever went wrong, nothing was changed twice — it failed.
      const f = failureOf('getSpeakList', err);
      await this.state.record(u, 'failed', { latenessMs, message: f.message, text: f.text, ...(f.code !== undefined ? { code: f.code } : {}) });
    }
  }

  private async run(u: ExportUnit): Promise<void> {
    const a = u.action;
    const date = DateTime.fromMillis(this.plan.event.start, { zone: this.plan.event.zone }).toFormat('yyyyLLdd');
    const port = <T>(): CheckpointPort<T> => ({
      load: () => this.checkpoints.get(u.id) as T | undefined,
      save: async (data: T) => {
        this.checkpoints.set(u.id, data);
        if (this.journal) await this.journal.appendLater({ t: 'checkpoint', unit: u.id, at: Date.now(), data });
      },
    });
    const common = { channelId: a.channelId, outDir: a.outDir, date, stepId: a.stepId, signal: this.signal };
    if (a.kind === 'chatExport') await runChatExport(this.api, common, port<ExportDone>());
    else if (a.kind === 'reportExport')
      await runReportExport(this.api, { ...common, sessionId: a.sessionId, deadline: u.at + a.deadlineMs }, port<ExportDone>());
    else
      await runHistoryExport(
        this.api,
        {
          ...common,
          from: a.from,
          to: a.to,
          format: a.format,
          pageSize: a.pageSize,
          onProgress: (p) => this.emit({ type: 'export-progress', unit: u.id, ...p }),
        },
        port<HistoryCheckpoint>(),
      );
  }
}
