import type { Readable } from 'node:stream'
import type { Context } from 'hono'
import { guessMimeType } from '@orchard/artifacts'
import type { ArtifactRepository } from '@orchard/artifacts'
import { answerRange } from './byte-range.ts'

/**
 * MLflow's `attachment; filename=<name>`, kept verbatim for names that are safe in a header; other names
 * get a quoted ASCII fallback and RFC 8187's UTF-8 form, since Node refuses raw non-Latin-1 header bytes.
 */
export function contentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1)
  if (/^[\x21-\x7e]+$/.test(name) && !/[";\\,]/.test(name)) return `attachment; filename=${name}`
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

/**
 * A pull-driven web stream over a Node stream: a chunk is read only when the HTTP response has room
 * for it, so a 2 GB download holds about one chunk in memory however slow the client is.
 */
function pullStream(source: Readable): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next()
        if (next.done) controller.close()
        else controller.enqueue(next.value as Uint8Array)
      },
      async cancel() {
        source.destroy()
        await chunks.return?.()
      },
    },
    { highWaterMark: 0 },
  )
}

/**
 * Send one file as MLflow does (always as an attachment, MLflow's guessed type, nosniff, so a browser
 * never renders an artifact on the server's origin), plus Content-Length and byte ranges.
 */
export async function sendArtifact(c: Context, repository: ArtifactRepository, path: string): Promise<Response> {
  const opened = await repository.openArtifact(path)
  const headers: Record<string, string> = {
    'Content-Type': guessMimeType(path),
    'Content-Disposition': contentDisposition(path),
    'X-Content-Type-Options': 'nosniff',
    'Accept-Ranges': 'bytes',
  }
  if (opened.lastModified) headers['Last-Modified'] = opened.lastModified.toUTCString()
  // With If-Range we cannot promise the client's copy is current, so it gets the whole file (RFC 9110 §13.1.5).
  const range = c.req.header('if-range') === undefined ? answerRange(c.req.header('range'), opened.size) : ({ kind: 'whole' } as const)
  if (range.kind === 'unsatisfiable') {
    // The refusal is an error like any other: MLflow's error JSON, not the file's headers.
    const message = `Range ${JSON.stringify(c.req.header('range'))} cannot be satisfied: the file has ${opened.size} bytes.`
    return new Response(JSON.stringify({ error_code: 'BAD_REQUEST', message }), {
      status: 416,
      headers: { 'Content-Type': 'application/json', 'Content-Range': `bytes */${opened.size}`, 'Accept-Ranges': 'bytes' },
    })
  }
  const partial = range.kind === 'partial'
  const length = partial ? range.end - range.start + 1 : opened.size
  headers['Content-Length'] = String(length)
  if (partial) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${opened.size}`
  const status = partial ? 206 : 200
  if (c.req.method === 'HEAD' || length === 0) return new Response(null, { status, headers })
  const body = await opened.read(partial ? { start: range.start, end: range.end } : undefined)
  return new Response(pullStream(body), { status, headers })
}
