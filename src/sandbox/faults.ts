import { UsageError } from '../core/errors.js';
import { msg } from '../i18n/index.js';
import type { EndpointName } from '../polyv/types.js';
import { Endpoints } from '../polyv/types.js';
import { seededRandom } from './random.js';

/**
 * Faults the sandbox injects, each a probability in [0, 1]:
 * - `5xx`: answer 500 without applying the call.
 * - `resetBefore`: drop the connection without applying the call.
 * - `resetAfter`: apply the call, then drop the connection (the client cannot know it was applied).
 * - `slow`: apply the call, then answer only after `slowMs` (past a client's timeout, typically).
 * - `breakDownload`: serve half of a file, then drop the connection.
 * `endpoints` limits api faults to some endpoints (default: all).
 */
export interface FaultSpec {
  readonly '5xx': number;
  readonly resetBefore: number;
  readonly resetAfter: number;
  readonly slow: number;
  readonly slowMs: number;
  readonly breakDownload: number;
  readonly endpoints?: readonly EndpointName[];
}

export const NO_FAULTS: FaultSpec = Object.freeze({ '5xx': 0, resetBefore: 0, resetAfter: 0, slow: 0, slowMs: 3000, breakDownload: 0 });

export type FaultKind = '5xx' | 'resetBefore' | 'resetAfter' | 'slow';

const KEYS: Record<string, keyof FaultSpec> = {
  '5xx': '5xx',
  'reset-before': 'resetBefore',
  reset: 'resetBefore',
  'reset-after': 'resetAfter',
  slow: 'slow',
  'break-download': 'breakDownload',
};

/**
 * Parses `5xx=0.1,reset-before=0.05,reset-after=0.05,slow=0.05:3000,break-download=1,endpoints=sendCustomMessage|batchCheckin`.
 */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: { -readonly [K in keyof FaultSpec]: FaultSpec[K] } = { ...NO_FAULTS };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [rawKey, rawValue = ''] = part.split('=', 2).map((s) => s.trim()) as [string, string?];
    if (rawKey === 'endpoints') {
      const names = rawValue.split('|').filter(Boolean);
      for (const n of names)
        if (!(n in Endpoints)) throw new UsageError(msg('sandbox.faults.unknownEndpoint', { name: n, known: Object.keys(Endpoints).join(', ') }));
      spec.endpoints = names as EndpointName[];
      continue;
    }
    const key = KEYS[rawKey];
    if (!key) throw new UsageError(msg('sandbox.faults.unknownFault', { name: rawKey, known: Object.keys(KEYS).join(', ') }));
    const [p, ms] = rawValue.split(':');
    const prob = Number(p);
    if (!Number.isFinite(prob) || prob < 0 || prob > 1) throw new UsageError(msg('sandbox.faults.probability', { name: rawKey, value: rawValue }));
    (spec as Record<string, unknown>)[key] = prob;
    if (key === 'slow' && ms !== undefined) {
      const delay = Number(ms);
      if (!Number.isInteger(delay) || delay < 0) throw new UsageError(msg('sandbox.faults.slowDelay', { value: ms }));
      spec.slowMs = delay;
    }
  }
  return spec;
}

export function formatFaultSpec(spec: FaultSpec): string {
  const parts: string[] = [];
  if (spec['5xx']) parts.push(`5xx=${spec['5xx']}`);
  if (spec.resetBefore) parts.push(`reset-before=${spec.resetBefore}`);
  if (spec.resetAfter) parts.push(`reset-after=${spec.resetAfter}`);
  if (spec.slow) parts.push(`slow=${spec.slow}:${spec.slowMs}`);
  if (spec.breakDownload) parts.push(`break-download=${spec.breakDownload}`);
  if (spec.endpoints) parts.push(`endpoints=${spec.endpoints.join('|')}`);
  return parts.join(',');
}

/** Draws faults deterministically from a seed: the same seed and request order give the same faults. */
export class FaultInjector {
  private readonly random: () => number;
  constructor(
    public spec: FaultSpec,
    seed: number,
  ) {
    this.random = seededRandom(seed ^ 0x5eed);
  }

  /** One draw per API request; at most one fault per request. */
  drawApiFault(endpoint: EndpointName): FaultKind | undefined {
    const s = this.spec;
    if (s.endpoints && !s.endpoints.includes(endpoint)) return undefined;
    const r = this.random();
    let edge = 0;
    for (const kind of ['5xx', 'resetBefore', 'resetAfter', 'slow'] as const) {
      edge += s[kind];
      if (r < edge) return kind;
    }
    return undefined;
  }

  drawDownloadBreak(): boolean {
    return this.spec.breakDownload > 0 && this.random() < this.spec.breakDownload;
  }
}
