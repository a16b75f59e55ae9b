import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { FrontError } from '../domain/errors.ts';

/**
 * The SSRF guard every outbound HTTP connection passes (feeds and article pages, first request and
 * every redirect). Addresses are checked inside the `lookup` that node:net connects with, so the
 * address checked is the address connected to: a DNS answer that changes between a check and the
 * connect (rebinding) has no window to slip through.
 *
 * Only ipaddr.js's `unicast` range is public. Everything else it names is refused: loopback,
 * private, linkLocal (169.254.169.254 included), carrierGradeNat, multicast, broadcast,
 * unspecified, reserved, benchmarking, uniqueLocal, and the IPv6 forms that embed an IPv4 address
 * (rfc6052, 6to4, teredo). `ipaddr.process` first turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into
 * the IPv4 address it carries.
 */
export interface AddressPolicy {
  /** Undefined when the destination may be connected to; otherwise why not. */
  refusal(address: string, hostname: string): string | undefined;
  /** Refuses a URL before any connection: scheme, port, and IP literals (which skip lookup). */
  checkUrl(url: URL): void;
  lookup: LookupFunction;
}

/**
 * Ports browsers refuse to fetch (WHATWG Fetch "bad port" list) plus well-known data stores a feed
 * URL has no business pointing at. Refused even for allowed private destinations.
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111,
  113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548,
  554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566,
  6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
  // Not in the WHATWG list, but plain-text protocols that accept a smuggled HTTP request line.
  2375, 3306, 5432, 6379, 9200, 11211, 26379, 27017,
]);

export const ALLOW_SETTING = 'FETCH_ALLOW_PRIVATE';

/** `allow` is FETCH_ALLOW_PRIVATE: comma-separated host names, addresses and CIDR ranges. */
export function createAddressPolicy(allow: string | undefined): AddressPolicy {
  const { hosts, ranges } = parseAllowance(allow ?? '');

  const refusal = (address: string, hostname: string): string | undefined => {
    if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
    const ip = ipaddr.process(address);
    const range = ip.range();
    if (range === 'unicast') return undefined;
    if (hosts.has(normalHost(hostname))) return undefined;
    if (ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return undefined;
    return `${hostname} resolves to ${ip.toString()} (${range}), a private destination; list it in ${ALLOW_SETTING} to allow it`;
  };

  return {
    refusal,
    checkUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw refused(`unsupported URL scheme ${url.protocol}`);
      }
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      if (BAD_PORTS.has(port)) throw refused(`port ${port} of ${url.hostname} is not an HTTP port`);
      // WHATWG URL parsing already turned 2130706433, 0x7f.1 and 127.1 into 127.0.0.1; node:net
      // connects to IP literals without calling lookup, so they are checked here.
      const literal = url.hostname.replace(/^\[|\]$/g, '');
      if (ipaddr.isValid(literal)) {
        const why = refusal(literal, url.hostname);
        if (why) throw refused(why);
      }
    },
    lookup(hostname, options, callback) {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        for (const a of addresses) {
          const why = refusal(a.address, hostname);
          if (why) return callback(refused(why) as NodeJS.ErrnoException, '', 0);
        }
        if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    },
  };
}

function refused(reason: string): FrontError {
  return new FrontError('FETCH_REFUSED', reason, { permanent: true });
}

function normalHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function parseAllowance(allow: string): { hosts: Set<string>; ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] } {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const raw of allow.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw.includes('/')) ranges.push(parseCidr(raw));
    else if (ipaddr.isValid(normalHost(raw))) {
      const ip = ipaddr.process(normalHost(raw));
      ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else hosts.add(normalHost(raw));
  }
  return { hosts, ranges };
}

function parseCidr(raw: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  try {
    const [net, bits] = ipaddr.parseCIDR(raw);
    // A ::ffff:a.b.c.d/104 range means the IPv4 range the mapped addresses carry.
    if (net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      return [(net as ipaddr.IPv6).toIPv4Address(), bits - 96];
    }
    return [net, bits];
  } catch {
    throw new FrontError('CONFIG_INVALID', `${ALLOW_SETTING}: "${raw}" is not a CIDR range`, { permanent: true });
  }
}
