import type { Labels } from '../model.ts';

/** One value an alert names, with the label that named it. */
export interface Token {
  readonly label: string;
  /** Normalised value: the same entity under different label names (`node`, `host`, `upstream`) matches. */
  readonly value: string;
}

/** Other names of an address: the host names its machine reports for itself (traces' `host.name`/`host.ip`). */
export interface AddressNames {
  namesOf(address: string): readonly string[];
}

/** Labels that describe the alert rather than name something it is about (Alertmanager conventions). */
const notEntities = new Set(['__name__']);
const maxValueLength = 200;
const maxTokensPerAlert = 48;
/** Host names mentioned in the alert's name count apart from its symptom (the name itself). */
export const mentionedInName = 'alertname mentions';

/**
 * The entities an alert names: every label value, plus the names hidden in generated ones: the host of a
 * `host:port` instance or of a URL (a probe's target), a host's short name (`vm7.corp.example` -> `vm7`), and
 * a workload's name without its generated suffixes (`checkout-6d8f7b-x2k4l` -> `checkout`, `pg-orders-0` ->
 * `pg-orders`); in free text (a value with spaces: an interface description, a trigger name) the words that
 * look like machine names (an address, a dotted name, a dashed name with digits); and, with `addresses`, the
 * host names an address belongs to, so that an exporter's `10.0.3.7:9100` and a trap's `10.0.3.7` meet a
 * check's `web07`. No vocabulary of label names: rarity decides what matters.
 */
export function tokensOf(labels: Labels, addresses?: AddressNames): Token[] {
  const out = new Map<string, Token>();
  const add = (label: string, value: string): void => {
    if (value.length === 0 || out.size >= maxTokensPerAlert) return;
    if (!out.has(value)) out.set(value, { label, value });
  };
  const addName = (label: string, value: string, resolve: boolean): void => {
    add(label, value);
    const host = hostOf(value);
    if (host !== undefined) add(label, host);
    const short = /^([a-z][a-z0-9-]*)\.[a-z][a-z0-9.-]*$/.exec(host ?? value)?.[1];
    if (short !== undefined) add(label, short);
    const base = workloadOf(short ?? host ?? value);
    if (base !== undefined) add(label, base);
    if (resolve && addresses !== undefined)
      for (const name of addresses.namesOf(host ?? value)) addName(label, name.toLowerCase(), false);
  };
  const free: [string, string][] = [];
  for (const [label, raw] of Object.entries(labels)) {
    if (out.size >= maxTokensPerAlert) break;
    if (notEntities.has(label) || raw.length > maxValueLength) continue;
    const value = raw.trim().toLowerCase();
    addName(label, value, true);
    if (/\s/.test(value)) free.push([label === 'alertname' ? mentionedInName : label, value]);
  }
  // After every label's own values: a name mentioned in free text that a label names too stays that label's.
  for (const [label, text] of free)
    for (const word of text.split(/[\s,;()[\]{}"'<>|]+/)) {
      const name = word.replace(/[:.]+$/, '');
      if (looksLikeMachine(name)) addName(label, name, true);
    }
  return [...out.values()];
}

/** The host of `host:port`, `[v6]:port` or a URL (`https://user@host:8443/path`). */
function hostOf(value: string): string | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[0-9a-f:.]+\]|[^/:?#]+)/.exec(value)?.[1];
  const host = url ?? /^(.+):\d{1,5}$/.exec(value)?.[1];
  return host?.replace(/^\[(.*)\]$/, '$1');
}

/** An IPv4 address, a dotted host name, or a dashed name carrying digits (`leaf-r04-a`, `vm-12`). */
function looksLikeMachine(word: string): boolean {
  if (word.length < 3 || word.length > 100) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(word)) return true;
  if (/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(word)) return /[a-z]/.test(word.split('.').at(-1) ?? '');
  return /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/.test(word) && /\d/.test(word);
}

/** Drops trailing dash-separated parts that carry digits (replica ordinals, pod-template and pod hashes). */
function workloadOf(value: string): string | undefined {
  const parts = value.split('-');
  let end = parts.length;
  while (end > 1 && /\d/.test(parts[end - 1] ?? '')) end--;
  return end === parts.length || end === 0 ? undefined : parts.slice(0, end).join('-');
}
