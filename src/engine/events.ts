import type { Msg } from '../i18n/index.js';

/** What the engine reports while it runs; the CLI renders these (live view, lines, or JSON lines). */
export type EngineEvent =
  | { readonly type: 'start'; readonly runId: string; readonly units: number; readonly resumed: boolean; readonly at: number }
  | { readonly type: 'skip-done'; readonly unit: string; readonly actions: readonly string[] }
  | {
      readonly type: 'dispatch';
      readonly unit: string;
      readonly kind: string;
      readonly actions: readonly string[];
      readonly plannedAt: number;
      readonly at: number;
      readonly latenessMs: number;
      readonly call?: string;
    }
  | {
      readonly type: 'outcome';
      readonly unit: string;
      readonly result: 'ok' | 'failed' | 'ambiguous' | 'skipped';
      readonly actions: readonly string[];
      readonly failedActions?: readonly string[];
      /** English, as the journal keeps it (programs, `grep`). */
      readonly message?: string;
      /** The same message as key + params, to show in the reader's language (`formatMessage(text, lang)`). */
      readonly text?: Msg;
      readonly latenessMs?: number;
    }
  | { readonly type: 'export-progress'; readonly unit: string; readonly records: number; readonly pages: number; readonly recordsPerSecond: number }
  | { readonly type: 'stop'; readonly reason: 'finished' | 'interrupted' }
  /**
   * Something the operator should know, in words (`message`, English; `text`, key + params for the
   * reader's language); `code` says what, for programs.
   */
  | { readonly type: 'notice'; readonly code: 'clock-offset' | 'clock-ignored'; readonly message: string; readonly text?: Msg; readonly offsetMs?: number };
