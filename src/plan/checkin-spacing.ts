import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import type { SourceLocation } from '../core/location.js';
import { duration, msg, type Msg } from '../i18n/index.js';
import { CHECKIN_MIN_GAP_MS } from '../polyv/checkin-rule.js';
import { checkinSpacingRuleMsg } from '../polyv/limits.js';

export interface SpacedCheckin {
  readonly channelId: string;
  readonly start: number;
  /** start + limitTime·1000; limitTime 0 ("no limit") counts as a zero-length interval. */
  readonly end: number;
}

export interface SpacingViolation<T> {
  readonly kind: 'overlap' | 'gap';
  /** The earlier check-in and the later one that collides with it. */
  readonly first: T;
  readonly second: T;
  /** For 'gap': how far apart they are (ms), less than 5000. */
  readonly gapMs: number;
}

/**
 * The platform's 5-second rule per channel: intervals may not overlap, and each must start at least
 * 5 s after every earlier one ends. Sorting by start and keeping the earlier interval that reaches
 * furthest finds every check-in that collides with something before it, in O(n log n).
 */
export function findSpacingViolations<T extends SpacedCheckin>(items: readonly T[]): SpacingViolation<T>[] {
  const byChannel = new Map<string, T[]>();
  for (const c of items) {
    const list = byChannel.get(c.channelId);
    if (list) list.push(c);
    else byChannel.set(c.channelId, [c]);
  }
  const out: SpacingViolation<T>[] = [];
  for (const list of byChannel.values()) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    let reach: T | undefined;
    for (const c of list) {
      if (reach && c.start < reach.end + CHECKIN_MIN_GAP_MS) {
        out.push({ kind: c.start < reach.end || c.start === reach.start ? 'overlap' : 'gap', first: reach, second: c, gapMs: c.start - reach.end });
      }
      if (!reach || c.end > reach.end) reach = c;
    }
  }
  return out;
}

/** A check-in as the spacing diagnostic names it. */
export interface SpacingParty extends SpacedCheckin {
  readonly id: string;
  readonly stepId: string;
  /** Where the step is written (a lesson's own file, or the template it extends). */
  readonly source: SourceLocation;
  /** The lesson file (as shown to the user) whose plan holds the check-in. */
  readonly lesson: string;
}

/**
 * The one wording of a 5-second-rule violation, within a file or across files. Each check-in is
 * named with its lesson, and with the file its step comes from when that is another (a template
 * both lessons extend), so that a collision in a shared template says which lessons collide.
 */
export function spacingDiagnostic(v: SpacingViolation<SpacingParty>): Diagnostic {
  const a = v.first;
  const b = v.second;
  const crossFile = a.lesson !== b.lesson;
  const name = (c: SpacingParty): Msg => {
    if (c.source.file !== c.lesson) return msg('diag.checkin.nameOfFrom', { id: c.id, lesson: c.lesson, file: c.source.file });
    return crossFile ? msg('diag.checkin.nameOf', { id: c.id, lesson: c.lesson }) : msg('diag.checkin.name', { id: c.id });
  };
  const overlap = v.kind === 'overlap';
  const parties = { second: name(b), first: name(a), channel: b.channelId, rule: checkinSpacingRuleMsg() };
  const message = overlap
    ? msg('diag.checkin.overlap', { ...parties, by: duration(a.end - b.start) })
    : msg('diag.checkin.gap', { ...parties, gap: duration(v.gapMs) });
  return {
    code: overlap ? DiagnosticCodes.CHECKIN_OVERLAP : DiagnosticCodes.CHECKIN_GAP,
    severity: 'error',
    message,
    location: b.source,
    stepId: b.stepId,
    related: [{ location: a.source, message: msg('diag.checkin.here', { checkin: name(a) }), stepId: a.stepId }],
  };
}
