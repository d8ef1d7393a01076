// Artifact proxy throughput: upload and download through the server (local destination) against a
// plain copy on the same disk, the server's peak RSS during a 2 GiB transfer, and 10,000 small files.
// The server runs in a child process so its RSS is its own. Files live in a temp folder under /tmp,
// removed at the end.
//
//   node --import tsx bench/artifacts.ts [--quick]      or   import { artifactsBenchmark } from './artifacts.ts'
//
// node_http_* is the same transfer through a bare node:http server in the same child process: the
// floor any Node server stands on here, so the gap to it is what Hono and the proxy cost.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const MiB = 1024 * 1024
const API = '/api/2.0/mlflow-artifacts/artifacts'
const SMALL_FILE_CONCURRENCY = 16

export interface ArtifactsBenchmarkOptions {
  /** File sizes in bytes; default 1 MiB, 100 MiB and 2 GiB. */
  readonly sizes?: readonly number[]
  readonly smallFiles?: number
}

// ---- the server, in its own process -------------------------------------------------------------

async function serveArtifacts(destination: string): Promise<void> {
  const { serve } = await import('@hono/node-server')
  const { createApp } = await import('@orchard/server')
  const { openTrackingStore } = await import('@orchard/store')
  const store = await openTrackingStore(`sqlite:///${join(destination, '..', 'bench.db')}`, { defaultArtifactRoot: 'mlflow-artifacts:/' })
  const app = createApp({ trackingStore: store, artifactsDestination: destination })
  // The floor under any Node server: node:http piping request bodies to a file and files to responses.
  const raw = createServer((req, res) => {
    const file = join(destination, '..', 'raw.bin')
    const done = (error?: unknown) => res.writeHead(error ? 500 : 200).end()
    if (req.method === 'PUT') pipeline(req, createWriteStream(file)).then(() => done(), done)
    else pipeline(createReadStream(file, { highWaterMark: MiB }), res).catch(() => res.destroy())
  })
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => {
    process.stdout.write(`PORT ${(server.address() as AddressInfo).port} RAW ${(raw.address() as AddressInfo).port}\n`)
  }) as Server
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
}

async function startServerProcess(destination: string): Promise<{ child: ChildProcess; port: number; rawPort: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', destination], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [port, rawPort] = await new Promise<[number, number]>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /PORT (\d+) RAW (\d+)/.exec(out)
      if (match) resolve([Number(match[1]), Number(match[2])])
    })
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
  })
  return { child, port, rawPort }
}

/** Resident set size of a process, from /proc (Linux), in bytes. */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024
}

/** Run `work` while sampling `pid`'s RSS every 20 ms; the peak comes back with the result. */
async function withPeakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peakRss = await rssOf(pid)
  const timer = setInterval(() => {
    rssOf(pid).then(
      (rss) => (peakRss = Math.max(peakRss, rss)),
      () => {},
    )
  }, 20)
  try {
    const result = await work()
    peakRss = Math.max(peakRss, await rssOf(pid))
    return { result, peakRss }
  } finally {
    clearInterval(timer)
  }
}

// ---- clients ------------------------------------------------------------------------------------

function upload(port: number, path: string, file: string, size: number, prefix = `${API}/`): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: `${prefix}${path}`, headers: { 'content-length': String(size) } }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`upload ${path}: ${res.statusCode}`))))
    })
    req.on('error', reject)
    createReadStream(file, { highWaterMark: MiB }).pipe(req)
  })
}

function download(port: number, path: string, file: string, prefix = `${API}/`): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path: `${prefix}${path}` }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`download ${path}: ${res.statusCode}`))
      pipeline(res, createWriteStream(file)).then(resolve, reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function getJson(port: number, path: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`)
  if (!response.ok) throw new Error(`${path}: ${response.status}`)
  return response.json()
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return (performance.now() - start) / 1000
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T)
    }),
  )
}

async function makeFile(path: string, size: number): Promise<void> {
  const block = randomBytes(MiB)
  const out = createWriteStream(path)
  for (let written = 0; written < size; written += MiB) {
    if (!out.write(written + MiB <= size ? block : block.subarray(0, size - written))) await once(out, 'drain')
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
}

const label = (size: number) => (size >= 1024 * MiB ? `${size / (1024 * MiB)}GiB` : `${size / MiB}MiB`)
const round = (n: number) => Number(n.toFixed(1))

// ---- the benchmark ------------------------------------------------------------------------------

export async function artifactsBenchmark(options: ArtifactsBenchmarkOptions = {}): Promise<Record<string, number>> {
  const sizes = options.sizes ?? [MiB, 100 * MiB, 2048 * MiB]
  const smallFiles = options.smallFiles ?? 10_000
  const work = await mkdtemp(join(tmpdir(), 'orchard-bench-artifacts-'))
  const destination = join(work, 'destination')
  await mkdir(destination)
  const { child, port, rawPort } = await startServerProcess(destination)
  const pid = child.pid ?? 0
  const out: Record<string, number> = {}
  try {
    out.server_idle_rss_mib = round((await rssOf(pid)) / MiB)
    // Warm the server (module loading, first-request paths) so the 1 MiB figure is not start-up cost.
    await writeFile(join(work, 'warm.bin'), 'x')
    await upload(port, 'warm.bin', join(work, 'warm.bin'), 1)
    for (const size of sizes) {
      const name = label(size)
      const source = join(work, `source-${name}.bin`)
      await makeFile(source, size)
      const repeats = size <= MiB ? 20 : 1
      const mib = (size * repeats) / MiB
      const streamCopy = await timed(async () => {
        for (let i = 0; i < repeats; i++) await pipeline(createReadStream(source, { highWaterMark: MiB }), createWriteStream(join(work, 'copy.bin')))
      })
      const kernelCopy = await timed(async () => {
        for (let i = 0; i < repeats; i++) await copyFile(source, join(work, 'copy.bin'))
      })
      await rm(join(work, 'copy.bin'))
      const up = await withPeakRss(pid, () => timed(async () => {
        for (let i = 0; i < repeats; i++) await upload(port, `bench/${name}.bin`, source, size)
      }))
      const down = await withPeakRss(pid, () => timed(async () => {
        for (let i = 0; i < repeats; i++) await download(port, `bench/${name}.bin`, join(work, 'downloaded.bin'))
      }))
      if ((await stat(join(work, 'downloaded.bin'))).size !== size) throw new Error(`download of ${name} came back short`)
      const rawUp = await timed(async () => {
        for (let i = 0; i < repeats; i++) await upload(rawPort, 'raw', source, size, '/')
      })
      const rawDown = await timed(async () => {
        for (let i = 0; i < repeats; i++) await download(rawPort, 'raw', join(work, 'downloaded.bin'), '/')
      })
      out[`node_http_upload_${name}_mib_s`] = round(mib / rawUp)
      out[`node_http_download_${name}_mib_s`] = round(mib / rawDown)
      out[`stream_copy_${name}_mib_s`] = round(mib / streamCopy)
      out[`copyfile_${name}_mib_s`] = round(mib / kernelCopy)
      out[`upload_${name}_mib_s`] = round(mib / up.result)
      out[`download_${name}_mib_s`] = round(mib / down.result)
      out[`upload_${name}_peak_rss_mib`] = round(up.peakRss / MiB)
      out[`download_${name}_peak_rss_mib`] = round(down.peakRss / MiB)
      await rm(source)
      await rm(join(work, 'downloaded.bin'))
      await rm(join(destination, 'bench'), { recursive: true, force: true })
    }

    const names = Array.from({ length: smallFiles }, (_, i) => `f${String(i).padStart(5, '0')}.txt`)
    const small = join(work, 'small.txt')
    await writeFile(small, 'a small artifact, one of many\n')
    const smallSize = (await stat(small)).size
    const uploadSeconds = await timed(() => pool(names, SMALL_FILE_CONCURRENCY, (n) => upload(port, `many/${n}`, small, smallSize)))
    const listTimes: number[] = []
    for (let i = 0; i < 5; i++) {
      listTimes.push(
        await timed(async () => {
          const listed = (await getJson(port, `${API}?path=many`)) as { files: unknown[] }
          if (listed.files.length !== smallFiles) throw new Error(`listed ${listed.files.length} of ${smallFiles}`)
        }),
      )
    }
    listTimes.sort((a, b) => a - b)
    await mkdir(join(work, 'many-down'))
    const downloadSeconds = await timed(() => pool(names, SMALL_FILE_CONCURRENCY, (n) => download(port, `many/${n}`, join(work, 'many-down', n))))
    out[`small_upload_${smallFiles}_files_s`] = round(smallFiles / uploadSeconds)
    out[`small_list_${smallFiles}_p50_ms`] = round((listTimes[2] ?? 0) * 1000)
    out[`small_download_${smallFiles}_files_s`] = round(smallFiles / downloadSeconds)
    return out
  } finally {
    child.kill('SIGTERM')
    await rm(work, { recursive: true, force: true })
  }
}

// ---- run alone ----------------------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { serve: { type: 'string' }, quick: { type: 'boolean', default: false } } })
  if (values.serve) {
    await serveArtifacts(values.serve)
  } else {
    const results = await artifactsBenchmark(values.quick ? { sizes: [MiB, 100 * MiB], smallFiles: 1000 } : {})
    for (const [key, value] of Object.entries(results)) console.log(`${key.padEnd(36)} ${value}`)
    console.log(JSON.stringify(results))
  }
}
