import ipaddr from 'ipaddr.js';
import { invalid } from '../http/validation.pipe.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Validates and normalises allowlist entries (IPv4, IPv6, CIDR); a bad entry is a 400 naming it.
 * A plain address becomes a /32 or /128 range.
 */
export function normaliseAllowlist(entries: string[], field: string): string[] {
  return entries.map((raw, index) => {
    const entry = raw.trim();
    const range = parseEntry(entry);
    if (!range) throw invalid([{ field: `${field}[${index}]`, message: `"${raw}" is not an IPv4/IPv6 address or CIDR range` }]);
    const [address, bits] = range;
    return `${address.toString()}/${bits}`;
  });
}

function parseEntry(entry: string): Range | null {
  try {
    if (entry.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      return [unmap(address), address.kind() === 'ipv6' && unmap(address).kind() === 'ipv4' ? bits - 96 : bits];
    }
    if (!ipaddr.isValid(entry)) return null;
    const address = unmap(ipaddr.parse(entry));
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** IPv4-mapped IPv6 (::ffff:203.0.113.7) is treated as the IPv4 address it carries. */
function unmap(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** An empty allowlist allows every address. */
export function isIpAllowed(ip: string, allowlist: readonly string[]): boolean {
  if (allowlist.length === 0) return true;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = unmap(ipaddr.parse(ip));
  } catch {
    return false;
  }
  return allowlist.some((entry) => {
    const [range, bits] = ipaddr.parseCIDR(entry);
    return range.kind() === address.kind() && address.match(range, bits);
  });
}
