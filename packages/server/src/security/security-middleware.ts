import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { hostAllowed, originAllowed } from './host-check.ts'
import { DEFAULT_ALLOWED_HOSTS, DEFAULT_CORS_ALLOWED_ORIGINS } from './settings.ts'
import type { SecuritySettings } from './settings.ts'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
// The content types a browser sends cross-origin without a CORS preflight (a <form>, or fetch in
// no-cors mode): the shape of a CSRF request. MLflow's clients send application/json.
const SIMPLE_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']
const ALLOWED_REQUEST_HEADERS = 'authorization, content-type, x-mlflow-workspace, x-orchard-user, range'
const PREFLIGHT_MAX_AGE_S = '600'

// Paths whose HTML is user data (artifacts, API answers), never the UI's own pages.
const DATA_PREFIXES = ['/api/', '/ajax-api/', '/get-artifact', '/model-versions/get-artifact']
const isDataPath = (path: string) => DATA_PREFIXES.some((prefix) => path.startsWith(prefix))
const ARTIFACT_POLICY = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"

export const DNS_REBINDING_MESSAGE = 'Invalid Host header - possible DNS rebinding attack detected'

const refuse = (c: Context, message: string) => c.json({ error_code: 'PERMISSION_DENIED', message }, 403)

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase()
  } catch {
    return undefined
  }
}

function isSimpleContentType(value: string | undefined): boolean {
  const type = (value ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return type === '' || SIMPLE_CONTENT_TYPES.includes(type)
}

/** The SHA-256 sources of a page's inline scripts, so a CSP can allow exactly those and no others. */
function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = []
  for (const match of html.matchAll(/<script(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(match[1] ?? '').digest('base64')}'`)
  }
  return hashes
}

function contentSecurityPolicy(scriptHashes: readonly string[], frameAncestors: string | undefined): string {
  return [
    "default-src 'self'",
    `script-src 'self'${scriptHashes.length ? ` ${scriptHashes.join(' ')}` : ''}`,
    // React and uPlot set inline styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    ...(frameAncestors ? [`frame-ancestors ${frameAncestors}`] : []),
  ].join('; ')
}

/**
 * The guards that make a server safe to put on a network, before anything else runs:
 * - Host allow-list (DNS rebinding): a page on evil.example that rebinds its name to this server's
 *   address sends `Host: evil.example` and is refused (MLflow 3.5's rule and wording).
 * - CSRF: a write from a browser page on another origin is refused unless that origin is allowed
 *   by --cors-allowed-origins, and even then not with a form or text/plain body. Requests without
 *   an Origin (curl, SDKs) are not browsers' cross-site requests and pass.
 * - CORS answers for allowed origins; X-Frame-Options, a Content-Security-Policy and nosniff on pages.
 */
export function securityMiddleware(settings: SecuritySettings = {}): MiddlewareHandler {
  const hosts = settings.allowedHosts ?? DEFAULT_ALLOWED_HOSTS
  const origins = settings.corsAllowedOrigins ?? DEFAULT_CORS_ALLOWED_ORIGINS
  const frame = settings.xFrameOptions ?? 'SAMEORIGIN'
  const frameAncestors = frame === 'DENY' ? "'none'" : frame === 'SAMEORIGIN' ? "'self'" : undefined

  return async (c, next) => {
    if (settings.disabled) return next()
    const host = (c.req.header('host') ?? new URL(c.req.url).host).toLowerCase()
    if (!hostAllowed(host, hosts)) return refuse(c, DNS_REBINDING_MESSAGE)

    const origin = c.req.header('origin')
    const sameOrigin = origin !== undefined && originHost(origin) === host
    const corsAllowed = origin !== undefined && !sameOrigin && originAllowed(origin, origins)

    if (c.req.method === 'OPTIONS' && origin !== undefined && c.req.header('access-control-request-method')) {
      if (!corsAllowed && !sameOrigin) return c.body(null, 403)
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': ALLOWED_REQUEST_HEADERS,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_S,
        Vary: 'Origin',
      })
    }

    if (UNSAFE_METHODS.has(c.req.method)) {
      const fetchSite = c.req.header('sec-fetch-site')
      const crossSite = origin !== undefined ? !sameOrigin : fetchSite === 'cross-site' || fetchSite === 'same-site'
      if (crossSite && (!corsAllowed || isSimpleContentType(c.req.header('content-type')))) {
        return refuse(
          c,
          `Cross-origin ${c.req.method} from ${origin ?? 'another site'} refused. ` +
            'Browser pages on other origins may not change data here; add a trusted origin with --cors-allowed-origins.',
        )
      }
    }

    await next()

    const headers = c.res.headers
    if (corsAllowed && origin !== undefined) {
      headers.set('Access-Control-Allow-Origin', origin)
      headers.set('Access-Control-Allow-Credentials', 'true')
      headers.append('Vary', 'Origin')
    }
    headers.set('X-Content-Type-Options', 'nosniff')
    if ((headers.get('content-type') ?? '').startsWith('text/html')) {
      if (frame !== 'NONE') headers.set('X-Frame-Options', frame)
      headers.set('Referrer-Policy', 'same-origin')
      const path = new URL(c.req.url).pathname
      // The UI's own pages run their inline scripts (allowed by hash); an HTML file someone logged as
      // an artifact is opened sandboxed, so its scripts cannot act as the viewer on this origin.
      headers.set(
        'Content-Security-Policy',
        isDataPath(path) ? ARTIFACT_POLICY : contentSecurityPolicy(inlineScriptHashes(await c.res.clone().text()), frameAncestors),
      )
    }
  }
}
