import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The real binary, as a user runs it. */
export const BIN = fileURLToPath(new URL('../bin/orchard.mjs', import.meta.url))

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Environment for a child: no tracking or backend URI leaking in from the developer's shell. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  if (!('MLFLOW_TRACKING_URI' in extra)) delete env.MLFLOW_TRACKING_URI
  if (!('MLFLOW_BACKEND_STORE_URI' in extra)) delete env.MLFLOW_BACKEND_STORE_URI
  return env
}

/** Run `orchard …args` in `cwd` to completion. */
export function orchard(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(env) })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface RunningCli {
  readonly child: ChildProcess
  /** The URL from the server's "Listening on …" line. */
  readonly url: string
  /** Collected so far. */
  output(): { stdout: string; stderr: string }
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** For test cleanup: SIGKILL the process (and, through the closed IPC, its workers) if still running. */
  kill(): Promise<void>
}

/** Start `orchard server …args` and wait for its URL line. */
export function startCli(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(env) })
    let stdout = ''
    let stderr = ''
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    )
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const url = /Listening on (http:\/\/\S+)/.exec(stdout)?.[1]
      if (!url) return
      const kill = async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        await exited
      }
      resolve({ child, url, exited, kill, output: () => ({ stdout, stderr }) })
    })
    void exited.then(({ code }) => reject(new Error(`server exited (${code}) before listening:\n${stdout}\n${stderr}`)))
  })
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'orchard-cli-'))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** No `    at file:line` frames: users see one line, not a stack. */
export const STACK_FRAME = /^\s+at .+:\d+/m
