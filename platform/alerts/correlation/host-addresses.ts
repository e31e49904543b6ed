/**
 * Which host name each address belongs to, as the platform's instrumented services report it in their
 * traces (OpenTelemetry resource `host.name` with `host.ip`; the collector's `traces.service-graph` topic).
 * Monitoring systems name one machine several ways (an exporter by `address:port`, a trap by its agent
 * address, a check by its host name): with this, an alert naming the address also names the host. An address
 * reported by more than one host (a shared virtual address, NAT, a container bridge) names none of them.
 * Bounded: the least recently reported addresses go first.
 */
import type { AddressNames } from './tokens.ts';

const maxAddresses = 50_000;
/** Names remembered per address: a second one makes it ambiguous, a few more are kept to say so. */
const maxNamesPerAddress = 4;

export class HostAddresses implements AddressNames {
  readonly #max: number;
  /** Address -> host names that reported it, in order of last report (least recent first). */
  readonly #names = new Map<string, Set<string>>();

  constructor(max = maxAddresses) {
    this.#max = max;
  }

  get size(): number {
    return this.#names.size;
  }

  learn(host: string, addresses: readonly string[]): void {
    const name = host.trim().toLowerCase();
    if (name.length === 0) return;
    for (const raw of addresses) {
      const address = raw.trim().toLowerCase();
      if (address.length === 0 || address === name) continue;
      const names = this.#names.get(address) ?? new Set<string>();
      this.#names.delete(address);
      if (names.size < maxNamesPerAddress) names.add(name);
      this.#names.set(address, names);
      if (this.#names.size > this.#max) {
        const oldest = this.#names.keys().next();
        if (oldest.done !== true) this.#names.delete(oldest.value);
      }
    }
  }

  namesOf(address: string): readonly string[] {
    const names = this.#names.get(address);
    return names?.size === 1 ? [...names] : [];
  }
}
