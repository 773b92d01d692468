export {
  ClusterNode,
  DEFAULT_CONCURRENCY,
  DEFAULT_LEAD_MS,
  DEFAULT_LOCK_DURATION_MS,
  stalledIntervalOf,
  takeoverBoundMs,
  type ClusterNodeOptions,
  type LessonJobData,
} from './cluster-node.js';
export { clusterRunStatus } from './cluster-status.js';
export { FencedError } from './redis-journal.js';
export { redactRedisUrl } from './redis-connection.js';
