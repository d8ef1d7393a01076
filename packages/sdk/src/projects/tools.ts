import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** The absolute path of `name` on PATH, or undefined. */
export function which(name: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

interface ToolResult {
  readonly code: number | null
  readonly output: string
}

/** Output kept from a tool (npm, pip, conda) for an error message: its tail is what matters. */
const MAX_TOOL_OUTPUT_CHARS = 64 * 1024

/**
 * Run a tool that builds an environment, echoing its output to `log` (a person waits on it) and
 * keeping the tail for the error message.
 */
export function runTool(file: string, args: readonly string[], options: { cwd?: string; log: (text: string) => void; env?: NodeJS.ProcessEnv }): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      options.log(text)
      output = (output + text).slice(-MAX_TOOL_OUTPUT_CHARS)
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    child.on('error', (error) => resolve({ code: -1, output: error.message }))
    child.on('close', (code) => resolve({ code, output }))
  })
}
