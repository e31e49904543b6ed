import { z } from 'zod';
import { compileAnchored, type AnchoredPattern } from '../patterns/linear-regex.ts';
import type { Labels } from './model.ts';

/** An Alertmanager label matcher: `=`, `!=`, `=~` (anchored regex, RE2 syntax, linear time) and `!~`. */
export interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly regex?: AnchoredPattern;
}

const matcherText = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"]*?))\s*$/;

/** Parses one matcher as Alertmanager writes them: `severity="critical"`, `service=~"api|web"`, `env!=dev`. */
export function parseMatcher(text: string): Matcher {
  const m = matcherText.exec(text);
  if (!m)
    throw new Error(`"${text}" is not a label matcher like name="value", name!="value", name=~"re" or name!~"re"`);
  const name = m[1] ?? '';
  const op = m[2] as Matcher['op'];
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
  if (op === '=~' || op === '!~') {
    try {
      return { name, op, value, regex: compileAnchored(value) };
    } catch (error) {
      throw new Error(`bad regex in matcher: ${(error as Error).message}`, { cause: error });
    }
  }
  return { name, op, value };
}

/** A missing label counts as the empty string, as in Alertmanager. */
export function matches(matcher: Matcher, labels: Labels): boolean {
  const v = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=':
      return v === matcher.value;
    case '!=':
      return v !== matcher.value;
    case '=~':
      return matcher.regex?.test(v) ?? false;
    case '!~':
      return !(matcher.regex?.test(v) ?? false);
  }
}

export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels));
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

/** A zod field for a list of matcher strings, parsed (and regexes compiled) at validation time. */
export const matcherList = z
  .array(z.string())
  .default([])
  .transform((list, ctx) => {
    const out: Matcher[] = [];
    for (const text of list) {
      try {
        out.push(parseMatcher(text));
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }
    return out;
  });
