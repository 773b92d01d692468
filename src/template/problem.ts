import { formatMessage, type Msg } from '../i18n/index.js';

export type ProblemKind = 'syntax' | 'unknown-variable' | 'helper' | 'too-deep' | 'too-large';

/**
 * A template that cannot be rendered, with what went wrong (`text`, a catalog message; the Error's
 * `message` is its English form). `variable` is the variable, when there is one.
 */
export class TemplateProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly text: Msg,
    readonly variable?: string,
  ) {
    super(formatMessage(text, 'en'));
  }
}
