// The TLC's public trip files, fetched once into a local cache folder. The pipeline reads only the
// cache, so it runs offline on files put there by hand (the tests use ../shared/data/nyc-tlc).
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export const TRIP_DATA_BASE_URL = 'https://d37ci6vzurychx.cloudfront.net/trip-data'
const COLORS = ['green', 'yellow', 'fhv', 'fhvhv'] as const

/** `YYYY-MM`, validated: months are user input. */
export function parseMonth(month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month)
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) throw new Error(`'${month}' is not a month: use YYYY-MM, e.g. 2021-01`)
  return month
}

export function tripFileName(color: string, month: string): string {
  if (!(COLORS as readonly string[]).includes(color)) throw new Error(`unknown taxi color '${color}': use one of ${COLORS.join(', ')}`)
  return `${color}_tripdata_${parseMonth(month)}.parquet`
}

export function tripFileUrl(color: string, month: string, baseUrl = TRIP_DATA_BASE_URL): string {
  return `${baseUrl}/${tripFileName(color, month)}`
}

export interface DownloadResult {
  readonly path: string
  readonly url: string
  readonly cached: boolean
  readonly bytes: number
}

/**
 * Puts the month's file in `dataDir` unless it is already there. The body is streamed to a temporary
 * name and renamed, so an interrupted download never leaves a truncated file that looks cached.
 */
export async function downloadTripFile(
  dataDir: string,
  color: string,
  month: string,
  options: { baseUrl?: string; fetch?: typeof fetch } = {},
): Promise<DownloadResult> {
  const path = join(dataDir, tripFileName(color, month))
  const url = tripFileUrl(color, month, options.baseUrl)
  const existing = await stat(path).catch(() => undefined)
  if (existing?.isFile()) return { path, url, cached: true, bytes: existing.size }
  await mkdir(dataDir, { recursive: true })
  let response: Response
  try {
    response = await (options.fetch ?? fetch)(url)
  } catch (error) {
    const reason = (error as Error & { cause?: { code?: string; message?: string } }).cause
    throw new Error(
      `cannot download ${url}: ${reason?.code ?? reason?.message ?? (error as Error).message}. ` +
        `Are you offline? Put the file at ${path} yourself, or point --data-dir at a folder that has it.`,
      { cause: error },
    )
  }
  if (!response.ok || !response.body) {
    throw new Error(`cannot download ${url}: the server answered ${response.status} ${response.statusText}` + (response.status === 403 || response.status === 404 ? ' (the TLC has not published that month?)' : ''))
  }
  const partial = `${path}.partial-${process.pid}`
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(partial))
    await rename(partial, path)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
  return { path, url, cached: false, bytes: (await stat(path)).size }
}
