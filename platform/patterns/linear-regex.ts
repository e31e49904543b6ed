import { RE2JS } from 're2js';

/** Longest user-supplied pattern accepted: linear-time matching still costs pattern size x input size. */
export const MAX_PATTERN_LENGTH = 1_024;

/** A compiled pattern that matches whole strings only, as Alertmanager and PromQL regex matchers do. */
export interface AnchoredPattern {
  readonly source: string;
  test(value: string): boolean;
}

/** Raised for a pattern that is too long or not valid RE2 syntax; its message names the problem. */
export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

/**
 * Compiles a user-supplied pattern on RE2 (re2js): matching takes time linear in the input whatever the pattern, so
 * `(a+)+` cannot block the event loop. RE2 syntax, as Alertmanager and Prometheus use (no backreferences or
 * lookaround).
 */
export function compileAnchored(pattern: string): AnchoredPattern {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new PatternError(`pattern is ${String(pattern.length)} characters; at most ${String(MAX_PATTERN_LENGTH)}`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    throw new PatternError(
      `bad regular expression ${JSON.stringify(pattern)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { source: pattern, test: (value) => re.matches(value) };
}
