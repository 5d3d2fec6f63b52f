import { lookup as dnsLookup } from 'node:dns/promises';
import { Inject, Injectable } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { AppConfig } from '../platform/config/app-config.js';

/** Cloud metadata services, refused by name even though their ranges are already refused. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

/**
 * IPv6 ranges that carry an IPv4 address inside them (or route to one): IPv4-compatible (::/96,
 * deprecated), NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48), 6to4 (2002::/16), Teredo
 * (2001::/32) and SIIT (::ffff:0:0:0/96). A webhook never needs one, and each can point at a private
 * IPv4 behind a translator, so all are refused (IPv4-mapped ::ffff:0:0/96 is unwrapped and checked instead).
 */
const EMBEDDED_IPV4_RANGES = (
  [['::', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16], ['2001::', 32], ['::ffff:0:0:0', 96]] as const
).map(([network, bits]) => [ipaddr.IPv6.parse(network), bits] as const);

export class TargetRefused extends Error {}

export interface ResolvedTarget {
  url: URL;
  /** The address checked; the connection is made to exactly this one (no second DNS answer can swap it). */
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Only public unicast addresses may receive webhooks: loopback, private, link-local, unique-local,
 * carrier-grade NAT, multicast, unspecified, reserved and every IPv6 range that embeds an IPv4 address
 * are all refused, and so is an IPv4-mapped IPv6 form of any of them.
 */
export function isBlockedAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  // ipaddr.js reads the IPv4-compatible text form `::a.b.c.d` as IPv4-mapped; it is ::/96, refused outright
  if (/^::(?:\d{1,3}\.){3}\d{1,3}$/.test(address)) return true;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  } else if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (EMBEDDED_IPV4_RANGES.some(([network, bits]) => v6.match(network, bits))) return true;
  }
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString()) || METADATA_ADDRESSES.has(parsed.toString())) return true;
  return parsed.range() !== 'unicast';
}

/** Syntax and scheme: an absolute http(s) URL without credentials; https unless private targets are allowed. */
export function parseTargetUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetRefused('must be an https URL');
  if (url.protocol === 'http:' && !allowPrivate) throw new TargetRefused('must use https');
  if (url.username || url.password) throw new TargetRefused('must not contain credentials');
  if (!url.hostname) throw new TargetRefused('must have a host');
  return url;
}

/**
 * Resolves the URL's host (every address DNS gives) and refuses it when any address is not public,
 * unless private targets are allowed. Runs at creation and again before every delivery attempt.
 */
export async function resolveTarget(raw: string, allowPrivate: boolean, resolver: Resolver = systemResolver): Promise<ResolvedTarget> {
  const url = parseTargetUrl(raw, allowPrivate);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  } else {
    try {
      addresses = await resolver(host);
    } catch {
      throw new TargetRefused(`host ${host} could not be resolved`);
    }
    if (addresses.length === 0) throw new TargetRefused(`host ${host} could not be resolved`);
  }
  if (!allowPrivate) {
    const blocked = addresses.find(({ address }) => isBlockedAddress(address));
    if (blocked) throw new TargetRefused(`resolves to a private, loopback, link-local or reserved address (${blocked.address})`);
  }
  const [first] = addresses;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Checks webhook targets with the app's settings: at registration, and before every delivery attempt. */
@Injectable()
export class WebhookTargets {
  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  check(raw: string): Promise<ResolvedTarget> {
    return resolveTarget(raw, this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS, (hostname) => this.lookUpHost(hostname));
  }

  /** DNS: slow at times, so never awaited inside a transaction. */
  lookUpHost(hostname: string): Promise<{ address: string; family: number }[]> {
    return systemResolver(hostname);
  }
}
