import ipaddr from 'ipaddr.js';

/**
 * The key a per-address limit counts a peer under: an IPv4 address (IPv4-mapped IPv6 included) as is, an IPv6 address
 * reduced to its /64 (one host commonly owns a whole /64, so counting single addresses would not limit it).
 */
export function addressKey(raw: string | undefined): string {
  if (raw === undefined) return 'unknown';
  if (!ipaddr.isValid(raw)) return raw;
  const parsed = ipaddr.process(raw);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`).toString()}/64`;
}
