import ipaddr from 'ipaddr.js';
import { invalid } from '../http/validation.pipe.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/**
 * Validates allowlist entries (IPv4, IPv6, CIDR) and stores each in canonical form: the network
 * address and its prefix (`203.0.113.7/24` → `203.0.113.0/24`, a plain address → /32 or /128,
 * IPv4-mapped IPv6 → the IPv4 range it covers). An entry that cannot be represented (e.g. an
 * IPv4-mapped range with a prefix under /96) is a 400 naming it.
 */
export function normaliseAllowlist(entries: string[], field: string): string[] {
  return entries.map((raw, index) => {
    const range = parseEntry(raw.trim());
    if (typeof range === 'string') throw invalid([{ field: `${field}[${index}]`, message: `"${raw}" ${range}` }]);
    return canonical(range);
  });
}

function parseEntry(entry: string): Range | string {
  const notAnEntry = 'is not an IPv4/IPv6 address or CIDR range';
  try {
    if (!entry.includes('/')) {
      if (!ipaddr.isValid(entry)) return notAnEntry;
      const address = unmap(ipaddr.parse(entry));
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    }
    if (!/\/\d{1,3}$/.test(entry)) return notAnEntry;
    const [address, bits] = ipaddr.parseCIDR(entry);
    if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
      if (bits < 96) return 'is an IPv4-mapped range wider than ::ffff:0:0/96; give the IPv4 range instead';
      return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
    }
    return [address, bits];
  } catch {
    return notAnEntry;
  }
}

function canonical([address, bits]: Range): string {
  const network = address.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
  return `${network.toString()}/${bits}`;
}

/** IPv4-mapped IPv6 (::ffff:203.0.113.7) is treated as the IPv4 address it carries. */
function unmap(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * An empty allowlist allows every address. Never throws: an entry stored before validation was strict
 * enough, and that cannot be read, matches nothing (the check fails closed, never with a 500).
 */
export function isIpAllowed(ip: string, allowlist: readonly string[]): boolean {
  if (allowlist.length === 0) return true;
  let address: Address;
  try {
    address = unmap(ipaddr.parse(ip));
  } catch {
    return false;
  }
  return allowlist.some((entry) => {
    const range = parseEntry(entry);
    return typeof range !== 'string' && range[0].kind() === address.kind() && address.match(range[0], range[1]);
  });
}
