import { z } from 'zod';

const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses Prometheus-style durations ("30s", "1h30m", "250ms") to milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? ''] ?? 0), 0);
}

/** A duration field: a Prometheus duration string, or a number of milliseconds. */
export const duration = z.union([
  z.number().int().nonnegative(),
  z.string().transform((s, ctx) => {
    const ms = parseDuration(s);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration like 30s, 5m, 1h30m` });
      return z.NEVER;
    }
    return ms;
  }),
]);
