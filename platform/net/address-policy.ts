import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Which addresses outbound calls may reach: public unicast only (no loopback, private, link-local, CGNAT, multicast,
 * unspecified, reserved, or cloud-metadata addresses such as 169.254.169.254, fd00:ec2::254 and 100.100.100.200;
 * IPv4-mapped IPv6 is judged as its IPv4; NAT64, 6to4 and Teredo forms, which embed an IPv4, are refused), unless an
 * operator allow-lists a range.
 */
export class AddressPolicy {
  readonly #allowed: readonly [Address, number][];

  /** `allowCidrs`: ranges an operator trusts (e.g. `10.1.2.0/24` for an internal SMS relay), already validated. */
  constructor(allowCidrs: readonly string[] = []) {
    this.#allowed = allowCidrs.map((c) => {
      const [address, bits] = ipaddr.parseCIDR(c);
      return [address.kind() === 'ipv6' ? ipaddr.process(address.toString()) : address, bits];
    });
  }

  /** Whether `address` (an IP literal) may be connected to; false for anything that does not parse. */
  permits(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    const ip = ipaddr.process(address);
    if (this.#allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return true;
    return ip.range() === 'unicast';
  }
}

/** Validates a CIDR list (for configuration); returns the problems, empty when every entry parses. */
export function cidrProblems(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => !ipaddr.isValidCIDR(c)).map((c) => `${JSON.stringify(c)} is not a CIDR range`);
}
