/**
 * runbook's public library API: the pipelines the CLI is built on (validate, plan, run, export,
 * status), the engine they drive, the Polyv client, the sandbox, and the codes and types they speak.
 * Everything else is internal to its stage and may change without notice.
 */

// Codes and errors.
export { ExitCodes, RunbookError, UsageError, ConfigError, type ExitCode } from './core/errors.js';
export { DiagnosticCodes, hasErrors, type Diagnostic, type DiagnosticCode, type RelatedLocation } from './core/diagnostic.js';
export { formatLocation, type SourceLocation } from './core/location.js';

// Messages: errors and diagnostics carry them as data (key + params); show them in a language.
export { formatMessage, resolveLanguage, negotiateLanguage, LANGUAGES, DEFAULT_LANGUAGE, type Language, type Msg } from './i18n/index.js';

// The pipelines.
export { planFile, validateFiles, parseStartOption, type FileResult, type PipelineOptions, type ValidateResult } from './api/pipeline.js';
export { runPlaybook, type RunPlaybookOptions, type RunPlaybookResult } from './api/run.js';
export { exportOneOff, type ExportCommandOptions } from './api/export.js';
export { runStatus, type RunStatus, type StatusRow } from './api/status.js';

// The engine, for hosts that plan and run on their own (a long-running server, say).
export { runEngine, type EngineOptions } from './engine/engine.js';
export type { ActionReport, RunSummary } from './engine/run-state.js';
export { realClock, platformClock, VirtualClock, type EngineClock } from './engine/clock.js';
export type { EngineEvent } from './engine/events.js';
export { Journal, journalPath, readJournal, acquireLock, LockHeldError, type JournalRecord, type LockHolder } from './journal/index.js';

// The plan and the platform's calls it holds.
export type { Plan, PlannedAction, PlanEvent, ActionPolicy, CheckinBatch } from './plan/types.js';
export {
  sendCustomMessageRequest,
  batchCheckinRequest,
  createChatExportTaskRequest,
  getSpeakListRequest,
  exportSessionStatsRequest,
  type ApiRequest,
} from './polyv/requests.js';
export { Endpoints, type EndpointName } from './polyv/types.js';

// The Polyv client.
export { PolyvClient, DEFAULT_BASE_URL, type PolyvClientOptions, type ClientEvent } from './transport/client.js';
export { Credentials, loadCredentials } from './transport/credentials.js';
export { RateLimiter, DEFAULT_RATE_LIMIT } from './transport/rate-limiter.js';
export { DEFAULT_RETRY, DEFAULT_TRANSPORT_LIMITS, type RetryBudget, type TransportLimits } from './transport/limits.js';
export { PolyvApiError, TransportError, DownloadError, AnswerTooLargeError, ClockSkewError } from './transport/errors.js';
export type { PolyvApi, BurstPort, CallOptions, Delivered } from './transport/api.js';

// The sandbox.
export { startSandbox, DEMO_CREDENTIALS, parseFaultSpec, formatFaultSpec, NO_FAULTS, PLATFORM_RATE_LIMIT } from './sandbox/index.js';
export type {
  Sandbox,
  SandboxOptions,
  SandboxCredentials,
  FaultSpec,
  RateLimitOptions,
  SandboxLogEntry,
  StoredMessage,
  StoredCheckin,
} from './sandbox/index.js';
