/**
 * The addresses each host reports for itself in its services' traces (OpenTelemetry resource attributes
 * `host.name` and `host.ip`, a list), for the alert correlator: monitoring systems name one machine by its
 * address (an exporter's `10.0.3.7:9100`, a trap's agent address) or its name. Only addresses that can name
 * one machine are kept (no loopback, link-local, unspecified, multicast or broadcast). New pairs are
 * collected until drained; everything is bounded (pairs remembered, pairs per drain, addresses per host).
 */
import ipaddr from 'ipaddr.js';

export interface HostAddress {
  readonly name: string;
  readonly addresses: string[];
}

const maxRemembered = 50_000;
const maxPending = 10_000;
const maxAddressesPerHost = 8;
const maxAttributeLength = 2_048;
const notOneMachine = new Set(['loopback', 'linkLocal', 'unspecified', 'multicast', 'broadcast', 'reserved']);

export class HostAddressExtractor {
  /** `host.name` and raw `host.ip` already seen (least recent first): a resource repeats on every span. */
  readonly #seen = new Set<string>();
  #pending: HostAddress[] = [];

  /** From a span's resource attributes (values as rendered: a list is a JSON array). */
  observe(resource: ReadonlyMap<string, string>): void {
    const name = resource.get('host.name')?.trim() ?? '';
    const raw = resource.get('host.ip') ?? '';
    if (name.length === 0 || name.length > 256 || raw.length === 0 || raw.length > maxAttributeLength) return;
    const key = `${name}\u0000${raw}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (this.#seen.size > maxRemembered) {
      const oldest = this.#seen.values().next();
      if (oldest.done !== true) this.#seen.delete(oldest.value);
    }
    const addresses = hostAddresses(raw);
    if (addresses.length > 0 && this.#pending.length < maxPending) this.#pending.push({ name, addresses });
  }

  drain(): HostAddress[] {
    const out = this.#pending;
    this.#pending = [];
    return out;
  }
}

/** The addresses of a `host.ip` value (a JSON list or one address) that can name one machine, canonical. */
export function hostAddresses(raw: string): string[] {
  let values: unknown = raw;
  if (raw.startsWith('[')) {
    try {
      values = JSON.parse(raw) as unknown;
    } catch {
      return [];
    }
  }
  const list = (Array.isArray(values) ? values : [values]).filter((v): v is string => typeof v === 'string');
  const out = new Set<string>();
  for (const v of list) {
    if (out.size >= maxAddressesPerHost) break;
    // Four-part decimal only: `10` or `0x0a000001` are valid to ipaddr.js but name no machine in an alert.
    if (!ipaddr.IPv4.isValidFourPartDecimal(v) && !ipaddr.IPv6.isValid(v)) continue;
    const ip = ipaddr.process(v);
    if (!notOneMachine.has(ip.range())) out.add(ip.toString());
  }
  return [...out];
}
