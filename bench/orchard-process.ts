// The `orchard` CLI as a process of its own, started the way the benchmark itself was started (from
// the sources under tsx with --conditions=orchard-source, or built), for benchmarks that measure a
// server without sharing its event loop.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../packages/cli/bin/orchard.mjs', import.meta.url))

export interface OrchardProcess {
  readonly url: string
  readonly pid: number
  /** SIGTERM, resolved once the process has exited. */
  stop(): Promise<void>
}

/** `orchard <args>` (a `server` or `models serve`), resolved once it prints the URL it listens on. */
export function startOrchard(args: readonly string[]): Promise<OrchardProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const exited = new Promise<void>((done) => child.on('exit', () => done()))
    const onData = (chunk: string) => {
      output += chunk
      const url = /Listening on (http:\/\/\S+)/.exec(output)?.[1]
      if (url) resolve({ url, pid: child.pid!, stop: () => (child.kill('SIGTERM'), exited) })
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    void exited.then(() => reject(new Error(`orchard ${args.slice(0, 2).join(' ')} exited:\n${output}`)))
  })
}
