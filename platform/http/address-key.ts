import ipaddr from 'ipaddr.js';

/** A peer as per-address limits count it: its address key and the wider prefix it shares with its neighbours. */
export interface Peer {
  /** An IPv4 address (IPv4-mapped IPv6 included) as is, an IPv6 address by its /64. */
  readonly address: string;
  /** Its IPv4 /24 or IPv6 /48: what one network (a botnet's hosts in one subnet, a site's /48) holds together. */
  readonly prefix: string;
}

/**
 * The key a per-address limit counts a peer under: an IPv4 address (IPv4-mapped IPv6 included) as is, an IPv6 address
 * reduced to its /64 (one host commonly owns a whole /64, so counting single addresses would not limit it).
 */
export function addressKey(raw: string | undefined): string {
  return peerOf(raw).address;
}

/** The address key and the prefix (IPv4 /24, IPv6 /48) of a remote address; anything else is its own prefix. */
export function peerOf(raw: string | undefined): Peer {
  if (raw === undefined) return { address: 'unknown', prefix: 'unknown' };
  if (!ipaddr.isValid(raw)) return { address: raw, prefix: raw };
  const parsed = ipaddr.process(raw);
  if (parsed.kind() === 'ipv4') {
    const address = parsed.toString();
    return { address, prefix: `${ipaddr.IPv4.networkAddressFromCIDR(`${address}/24`).toString()}/24` };
  }
  const text = parsed.toString();
  return {
    address: `${ipaddr.IPv6.networkAddressFromCIDR(`${text}/64`).toString()}/64`,
    prefix: `${ipaddr.IPv6.networkAddressFromCIDR(`${text}/48`).toString()}/48`,
  };
}

/** A peer that is not an address (a signed-in user's own allowance): its own prefix. */
export const ownPeer = (key: string): Peer => ({ address: key, prefix: key });
