import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** A child running a fixture under tsx, with its output collected. */
export interface Child {
  readonly process: ChildProcess
  /** Resolves with the first line of stdout. */
  readonly firstLine: Promise<string>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
}

/** Run `test/fixtures/<name>.ts` with `args`, free of the developer's MLFLOW_* variables. */
export function runFixture(name: string, args: readonly string[]): Child {
  const script = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url))
  const env = { ...process.env }
  for (const key of Object.keys(env)) if (key.startsWith('MLFLOW_')) delete env[key]
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk
      const newline = stdout.indexOf('\n')
      if (newline !== -1) resolve(stdout.slice(0, newline))
    })
    child.on('exit', () => reject(new Error(`child exited before printing a line; stderr: ${stderr}`)))
  })
  firstLine.catch(() => undefined)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  )
  return { process: child, firstLine, exited }
}
