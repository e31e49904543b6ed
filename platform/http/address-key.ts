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

const IPV4 = /^(?:::ffff:)?((\d{1,3})\.(\d{1,3})\.(\d{1,3}))\.(\d{1,3})$/i;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/**
 * The address key and the prefix (IPv4 /24, IPv6 /48) of a remote address; anything else is its own prefix. Asked
 * for every connection and anonymous request: the forms Node gives (dotted IPv4, IPv4-mapped, plain IPv6) are read
 * here directly (ipaddr.js takes 4-20 us a call), anything else by ipaddr.js.
 */
export function peerOf(raw: string | undefined): Peer {
  if (raw === undefined) return { address: 'unknown', prefix: 'unknown' };
  const v4 = IPV4.exec(raw);
  if (v4 !== null && v4.slice(2).every((octet) => Number(octet) <= 255)) {
    const address = raw.includes(':') ? `${v4[1] ?? ''}.${v4[5] ?? ''}` : raw;
    return { address, prefix: `${v4[1] ?? ''}.0/24` };
  }
  const groups = ipv6Groups(raw);
  if (groups !== undefined) return ipv6Peer(groups);
  if (!ipaddr.isValid(raw)) return { address: raw, prefix: raw };
  const parsed = ipaddr.process(raw);
  if (parsed.kind() === 'ipv4') return peerOf(parsed.toString());
  return ipv6Peer((parsed as ipaddr.IPv6).parts);
}

/** A peer that is not an address (a signed-in user's own allowance): its own prefix. */
export const ownPeer = (key: string): Peer => ({ address: key, prefix: key });

function ipv6Peer(groups: readonly number[]): Peer {
  const hex = groups.map((g) => g.toString(16));
  return { address: `${hex.slice(0, 4).join(':')}::/64`, prefix: `${hex.slice(0, 3).join(':')}::/48` };
}

/** The eight groups of an IPv6 address in hexadecimal groups (no embedded IPv4, no zone); undefined otherwise. */
function ipv6Groups(raw: string): number[] | undefined {
  const halves = raw.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 1 || halves[1] === '' ? [] : (halves[1] ?? '').split(':');
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (!all.every((g) => HEX_GROUP.test(g))) return undefined;
  return all.map((g) => parseInt(g, 16));
}
