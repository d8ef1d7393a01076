import { readFile, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Context, Hono } from 'hono'

export interface UiOptions {
  /** The Vite build to serve; defaults to the `@orchard/ui` workspace's `dist/`. */
  readonly distDir?: string
}

// The server must not import the UI package (it is a browser bundle): it only finds where @orchard/ui
// (a dependency holding the built files) was installed, or falls back to its place in the workspace.
function defaultDistDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@orchard/ui/package.json')), 'dist')
  } catch {
    return fileURLToPath(new URL('../../../ui/dist/', import.meta.url))
  }
}

// Paths the UI never answers, even for a browser asking for HTML: API and download routes keep their
// own JSON 404s.
const RESERVED_PREFIXES = ['/api', '/ajax-api', '/get-artifact', '/health', '/version', '/invocations', '/metrics']

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

// Vite puts a content hash in every name under assets/, so those may be cached for good; index.html
// must be revalidated so a new build is picked up on the next load.
const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

const isReserved = (path: string) => RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))

const NOT_BUILT_PAGE = (distDir: string) => `<!doctype html><meta charset="utf-8"><title>Orchard</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>Orchard's UI is not built</h1>
<p>The tracking API works; the web UI has no build in <code>${distDir.replace(/[<&>]/g, '')}</code>.
Run <code>npm run build -w @orchard/ui</code> (or <code>npm install</code>, which builds it) and reload.</p></body>`

async function fileAt(distDir: string, urlPath: string): Promise<string | undefined> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const path = resolve(distDir, `.${decoded}`)
  // A path that resolves outside the build (`/../x`) is never served.
  if (path !== distDir && !path.startsWith(distDir.endsWith(sep) ? distDir : distDir + sep)) return undefined
  const info = await stat(path).catch(() => undefined)
  return info?.isFile() ? path : undefined
}

async function send(c: Context, path: string, cacheControl: string, method: string): Promise<Response> {
  const body = await readFile(path)
  const headers = {
    'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
  }
  return method === 'HEAD' ? c.body(null, 200, headers) : c.body(body, 200, headers)
}

/**
 * Serve the web UI's build at `/`: its files as they are, and index.html for a browser's GET of any other
 * path outside the API so that a deep link (`/experiments/1/runs/abc`) loads the app, which then routes
 * in the browser.
 * Register after the API routes; reserved prefixes fall through to the app's JSON 404.
 */
export function registerUi(app: Hono, options: UiOptions = {}): void {
  const distDir = resolve(options.distDir ?? defaultDistDir())
  const indexPath = resolve(distDir, 'index.html')

  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = new URL(c.req.url).pathname
    if (isReserved(path)) return next()
    const file = path === '/' ? undefined : await fileAt(distDir, path)
    if (file) return send(c, file, path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE, c.req.method)
    // A missing hashed asset is a real 404: answering HTML there would hide a stale page's error.
    if (path.startsWith('/assets/') || extname(path) !== '') return next()
    // Deep links get the page only when a browser navigates (it asks for text/html), as
    // connect-history-api-fallback does; a script or curl asking for a wrong path keeps its JSON 404.
    if (path !== '/' && !(c.req.header('accept') ?? '').includes('text/html')) return next()
    const index = await stat(indexPath).catch(() => undefined)
    if (!index) return c.html(NOT_BUILT_PAGE(distDir), 503, { 'cache-control': REVALIDATE })
    return send(c, indexPath, REVALIDATE, c.req.method)
  })
}
