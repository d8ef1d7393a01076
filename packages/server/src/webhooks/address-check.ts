import { BlockList, isIP } from 'node:net'
import { invalidParameter } from '@orchard/protocol/base'
import type { WebhookSettings } from './settings.ts'

// Against SSRF, as MLflow (mlflow/utils/validation.py and mlflow/webhooks/ssrf.py): a webhook URL
// must use an allowed scheme and, unless MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS is set, every address its
// host resolves to must be public. Literal addresses are refused when a webhook is created or
// updated; every address is checked on the socket of every delivery (see send.ts), so neither DNS
// rebinding nor a name that resolves differently later gains anything.

const NOT_PUBLIC = new BlockList()
// Python's ipaddress `is_global` is false for these (RFC 6890 special-purpose ranges).
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6')
}

/** The 16 bytes of an IPv6 address in any notation (`::`, a trailing dotted quad); undefined if not one. */
function ipv6Bytes(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined
  let text = address.toLowerCase()
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)))
  const left = groups(head)
  const right = tail === undefined ? [] : groups(tail)
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
  return words.flatMap((word) => [word >> 8, word & 0xff])
}

const startsWith = (bytes: readonly number[], prefix: readonly number[]) => prefix.every((byte, i) => bytes[i] === byte)
const IPV4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
const IPV4_COMPATIBLE = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
// NAT64's well-known prefix (RFC 6052): a gateway turns 64:ff9b::a.b.c.d into a connection to a.b.c.d.
const NAT64 = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]

/**
 * The IPv4 address an IPv6 address stands for, where it leads to one: IPv4-mapped
 * (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`) addresses, in any notation.
 */
function embeddedIpv4(bytes: readonly number[]): string | undefined {
  if (startsWith(bytes, IPV4_MAPPED) || startsWith(bytes, NAT64)) return bytes.slice(12).join('.')
  return undefined
}

/**
 * Whether an address is public. IPv4-mapped and NAT64 addresses are judged as the IPv4 address they
 * reach (`::ffff:7f00:1` and `64:ff9b::127.0.0.1` are loopback); deprecated IPv4-compatible ones
 * (`::a.b.c.d`) are never public.
 */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return false
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4')
  const bytes = ipv6Bytes(address)
  if (!bytes) return false
  const ipv4 = embeddedIpv4(bytes)
  if (ipv4 !== undefined) return !NOT_PUBLIC.check(ipv4, 'ipv4')
  if (startsWith(bytes, IPV4_COMPATIBLE)) return false
  return !NOT_PUBLIC.check(address, 'ipv6')
}

/** The URL's scheme and host, after the scheme check; INVALID_PARAMETER_VALUE in MLflow's words. */
export function parseWebhookUrl(url: string, settings: WebhookSettings): URL {
  if (url.trim() === '') throw invalidParameter(`Webhook URL cannot be empty or just whitespace: '${url}'`)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw invalidParameter(`Invalid webhook URL '${url}': it is not an absolute URL such as https://ci.example.com/hooks/mlflow.`)
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase()
  if (!settings.allowedSchemes.includes(scheme)) {
    throw invalidParameter(
      `Invalid webhook URL scheme: '${scheme}'. Allowed schemes are: ${settings.allowedSchemes.join(', ')}. Set MLFLOW_WEBHOOK_ALLOWED_SCHEMES to allow others.`,
    )
  }
  if (parsed.hostname === '') throw invalidParameter(`Webhook URL must include a hostname: '${url}'`)
  return parsed
}

/** URL hosts keep IPv6 literals in brackets; DNS and net want them bare. */
export const bareHost = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

// RFC 6761 reserves these names for loopback: they are addresses written as words.
const LOOPBACK_NAMES = /^(localhost|localhost\.|.+\.localhost\.?)$/i

/**
 * Create/update-time check: allowed scheme, a host, and (unless allowed) no literal non-public
 * address. A host name is not resolved here: MLflow checks only the scheme when a webhook is saved,
 * a name that does not resolve right now may resolve later, and what it resolves to is checked on
 * the socket of every delivery anyway (send.ts).
 */
export function checkWebhookUrl(url: string, settings: WebhookSettings): void {
  const parsed = parseWebhookUrl(url, settings)
  if (settings.allowPrivateIps) return
  const host = bareHost(parsed)
  const literal = isIP(host) ? host : LOOPBACK_NAMES.test(host) ? '127.0.0.1' : undefined
  if (literal !== undefined && !isPublicAddress(literal)) {
    throw invalidParameter(
      `Webhook URL must not resolve to a non-public IP address. '${host}' resolves to ${literal}. Set MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true to allow private, loopback and link-local addresses.`,
    )
  }
}
