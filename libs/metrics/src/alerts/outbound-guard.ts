import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where alert deliveries may not go unless the host allows private networks (alerts.delivery
 * allowPrivateNetworks): an admin, or a stolen admin session, must not make the server call itself, its
 * network, or a cloud metadata service (169.254.169.254). Addresses are checked after DNS resolution, on the
 * address really connected to, so a public name that resolves to a private address is refused too.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  BLOCKED.addSubnet(network, prefix, 'ipv6');

/** An IPv4 address carried in IPv6 (::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d), so that it is judged as IPv4. */
function embeddedIpv4(address: string): string | null {
  const match = /^(?:::ffff:|64:ff9b::)(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (match) return match[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Why an IP address may not be called, or null when it is a public address. */
export function blockedAddress(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return null;
  const v4 = family === 6 ? embeddedIpv4(bare) : bare;
  const blocked = v4 ? BLOCKED.check(v4, 'ipv4') : BLOCKED.check(bare, 'ipv6');
  return blocked ? `${bare} is a loopback, private, link-local or reserved address` : null;
}

/** Names that always mean this machine or an internal network, whatever DNS says. */
const INTERNAL_NAME = /^(localhost|.*\.localhost|.*\.internal|.*\.local|metadata|metadata\.google\.internal)\.?$/i;

/**
 * Checked when a channel is saved, before any DNS: an IP literal in a blocked range or an internal name.
 * (Names are resolved again at each delivery, since DNS may change after saving.)
 */
export function hostProblem(host: string): string | null {
  if (INTERNAL_NAME.test(host)) return `${host} names an internal host`;
  return blockedAddress(host);
}

export const ALLOW_HINT = 'refused; set alerts.delivery.allowPrivateNetworks to allow it';

/**
 * A dns.lookup for http.request and sockets that refuses blocked addresses: the check happens on the address
 * the connection will really use (no gap for a DNS answer to change between check and connect).
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  dnsLookup(hostname, { ...options, all: true } as { all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const refused = addresses.map((entry) => blockedAddress(entry.address)).find(Boolean);
    if (refused) return callback(new Error(`${hostname} resolves to ${refused}: ${ALLOW_HINT}`), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

/** The address to connect to for `host` (an IP literal is checked as is), refused when blocked. */
export function resolvePublic(host: string): Promise<string> {
  const literal = blockedAddress(host);
  if (literal) return Promise.reject(new Error(`${literal}: ${ALLOW_HINT}`));
  if (INTERNAL_NAME.test(host)) return Promise.reject(new Error(`${host} names an internal host: ${ALLOW_HINT}`));
  if (isIP(host.replace(/^\[|\]$/g, ''))) return Promise.resolve(host.replace(/^\[|\]$/g, ''));
  return new Promise((resolve, reject) =>
    guardedLookup(host, {}, (error, address) => (error ? reject(error) : resolve(address as string))),
  );
}
