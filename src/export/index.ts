/**
 * The three exports. Each takes the PolyvApi, its options, and a CheckpointPort through which it
 * remembers progress (the engine backs it with the run's journal), so a resumed run neither redoes a
 * finished export nor loses or doubles history records.
 */
export * from './checkpoint.js';
export { runChatExport, ExportTimeoutError, type ChatExportOptions, type ExportDone } from './chat-export.js';
export {
  runHistoryExport,
  HistoryPagingError,
  type HistoryCheckpoint,
  type HistoryExportOptions,
  type HistoryProgress,
  type PagingFault,
} from './history-export.js';
export { runReportExport, ReportNotReadyError, type ReportExportOptions } from './report-export.js';
export { writeAtomically, writeFileAtomically, ensureWritableFolder } from './atomic-file.js';
export { insideDir, exportFileName, allowedExtension } from './safe-path.js';
export { csvField, csvRow, jsonlRow, CSV_COLUMNS } from './record-format.js';
