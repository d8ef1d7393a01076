import { isIP } from 'node:net'

/** Splits a Host header into name and port: `[::1]:5000` → `::1`, `5000`. */
export function splitHost(host: string): { name: string; port: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host)
  if (bracketed) return { name: bracketed[1] ?? '', port: bracketed[2] }
  const colon = host.lastIndexOf(':')
  // A bare IPv6 address has several colons and no port.
  if (colon > 0 && host.indexOf(':') === colon) return { name: host.slice(0, colon), port: host.slice(colon + 1) }
  return { name: host, port: undefined }
}

function isPrivateAddress(name: string): boolean {
  const version = isIP(name)
  if (version === 4) {
    const [a = 0, b = 0] = name.split('.').map(Number)
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
  }
  if (version === 6) {
    const lower = name.toLowerCase()
    return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80:')
  }
  return false
}

/**
 * True when `host` (a Host header) matches one of `patterns`: `*`, `name`, `name:port`, `*.domain`,
 * or `private-addresses`. Names compare case-insensitively; a pattern without a port takes any port.
 */
export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  const { name, port } = splitHost(host.trim().toLowerCase())
  if (!name) return false
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase()
    if (pattern === '*') return true
    if (pattern === 'private-addresses') return isPrivateAddress(name)
    const wanted = splitHost(pattern)
    if (wanted.port !== undefined && wanted.port !== '*' && wanted.port !== port) return false
    if (wanted.name.startsWith('*.')) return name.endsWith(wanted.name.slice(1))
    return wanted.name === name
  })
}

/** True when `origin` (`scheme://host[:port]`) matches a pattern: `*`, exact, or with port `*`. */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  const lower = origin.toLowerCase()
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase().replace(/\/+$/, '')
    if (pattern === '*') return true
    if (pattern.endsWith(':*')) {
      const base = pattern.slice(0, -2)
      return lower === base || (lower.startsWith(`${base}:`) && /^\d+$/.test(lower.slice(base.length + 1)))
    }
    return lower === pattern
  })
}
