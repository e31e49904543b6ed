import type { Labels } from '../model.ts';

/** One value an alert names, with the label that named it. */
export interface Token {
  readonly label: string;
  /** Normalised value: the same entity under different label names (`node`, `host`, `upstream`) matches. */
  readonly value: string;
}

/** Labels that describe the alert rather than name something it is about (Alertmanager conventions). */
const notEntities = new Set(['__name__']);
const maxValueLength = 200;
const maxTokensPerAlert = 48;

/**
 * The entities an alert names: every label value, plus the names hidden in generated ones: the host of a
 * `host:port` instance, a host's short name (`vm7.corp.example` -> `vm7`), and a workload's name without its
 * generated suffixes (`checkout-6d8f7b-x2k4l` -> `checkout`, `pg-orders-0` -> `pg-orders`).
 * No vocabulary of label names: rarity decides what matters.
 */
export function tokensOf(labels: Labels): Token[] {
  const out = new Map<string, Token>();
  const add = (label: string, value: string): void => {
    if (value.length === 0 || value.length > maxValueLength || out.size >= maxTokensPerAlert) return;
    if (!out.has(value)) out.set(value, { label, value });
  };
  for (const [label, raw] of Object.entries(labels)) {
    if (notEntities.has(label)) continue;
    const value = raw.trim().toLowerCase();
    add(label, value);
    const host = /^(.+):\d{1,5}$/.exec(value)?.[1];
    if (host !== undefined) add(label, host);
    const short = /^([a-z][a-z0-9-]*)\.[a-z][a-z0-9.-]*$/.exec(host ?? value)?.[1];
    if (short !== undefined) add(label, short);
    const base = workloadOf(short ?? host ?? value);
    if (base !== undefined) add(label, base);
  }
  return [...out.values()];
}

/** Drops trailing dash-separated parts that carry digits (replica ordinals, pod-template and pod hashes). */
function workloadOf(value: string): string | undefined {
  const parts = value.split('-');
  let end = parts.length;
  while (end > 1 && /\d/.test(parts[end - 1] ?? '')) end--;
  return end === parts.length || end === 0 ? undefined : parts.slice(0, end).join('-');
}
