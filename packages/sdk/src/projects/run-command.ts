import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import type { Writable } from 'node:stream'
import { CONTAINER_WORKDIR } from './build-image.ts'
import type { ContainerSpec } from './environments.ts'
import { ProjectError } from './project-error.ts'

// Starting an entry point's command: in its own process group (so a signal reaches all it started),
// inside a container for docker_env projects.

/** How a command ended; KILLED when it ended after a forwarded signal. */
export interface CommandOutcome {
  readonly status: 'FINISHED' | 'FAILED' | 'KILLED'
  readonly exitCode: number
  readonly commandMs: number
}

// Long enough for a training loop to write a checkpoint on Ctrl-C; a process that ignores the
// signal (a shell's background job ignores SIGINT) is then killed.
const DEFAULT_KILL_GRACE_MS = 30_000
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }

/** `docker run` of the command in the project's image, the project folder mounted as MLflow mounts it (or built in). */
export function dockerCommand(container: ContainerSpec, directory: string, command: string, variables: Record<string, string>, trackingUri: string): [string, string[]] {
  const workdir = CONTAINER_WORKDIR
  // A built image holds the code already (--build-image); otherwise the folder is mounted, as MLflow does.
  const args = ['run', '--rm', '--init', ...(container.codeInImage ? [] : ['-v', `${directory}:${workdir}`]), '-w', workdir]
  // The run's store or server must be reachable from inside: the host network for a server, the
  // store's folder mounted at the same path for an embedded store.
  if (/^https?:/i.test(trackingUri)) args.push('--network', 'host')
  else if (trackingUri.startsWith('/')) args.push('-v', `${trackingUri}:${trackingUri}`)
  else if (trackingUri.startsWith('sqlite:////')) {
    const folder = resolve(trackingUri.slice('sqlite:///'.length), '..')
    args.push('-v', `${folder}:${folder}`)
  }
  for (const volume of container.volumes) args.push('-v', volume)
  const environment: Record<string, string> = { ...variables }
  // As MLflow: a name copies the host's variable (which must be set), a pair defines one.
  for (const entry of container.environment) {
    if (typeof entry !== 'string') environment[entry[0]] = entry[1]
    else if (process.env[entry] === undefined) throw new ProjectError(`This project expects the environment variable ${entry} to be set on the machine running the project, but it is not set.`)
    else environment[entry] = process.env[entry] as string
  }
  for (const [key, value] of Object.entries(environment)) args.push('-e', `${key}=${value}`)
  args.push(container.image, 'bash', '-c', command)
  return [container.executable, args]
}

export interface ChildOptions {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  readonly stdout: Writable
  readonly stderr: Writable
  readonly record: (chunk: Buffer) => void
  readonly forwardSignals: boolean
  readonly signal?: AbortSignal
  readonly killGraceMs?: number
}

/**
 * Run the command as the leader of its own process group, so a signal reaches everything it
 * started (a shell's children included). Our SIGINT/SIGTERM are forwarded to the group; a second
 * one kills the group.
 */
export function runChild(file: string, args: readonly string[], child: ChildOptions): Promise<CommandOutcome> {
  return new Promise((resolveOutcome, reject) => {
    const started = performance.now()
    const proc = spawn(file, args, { cwd: child.cwd, env: child.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let forwarded = 0
    let escalation: NodeJS.Timeout | undefined
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (proc.pid !== undefined) process.kill(-proc.pid, signal)
      } catch {
        // the group is gone already
      }
    }
    const forward = (signal: NodeJS.Signals) => {
      forwarded++
      signalGroup(forwarded > 1 ? 'SIGKILL' : signal)
      escalation ??= setTimeout(() => signalGroup('SIGKILL'), child.killGraceMs ?? DEFAULT_KILL_GRACE_MS)
    }
    const onSignal = (signal: NodeJS.Signals) => forward(signal)
    const onAbort = () => forward('SIGTERM')
    const signals: NodeJS.Signals[] = !child.forwardSignals ? [] : ['SIGINT', 'SIGTERM']
    for (const name of signals) process.on(name, onSignal)
    child.signal?.addEventListener('abort', onAbort, { once: true })
    if (child.signal?.aborted) onAbort()
    proc.stdout.on('data', (chunk: Buffer) => {
      child.stdout.write(chunk)
      child.record(chunk)
    })
    proc.stderr.on('data', (chunk: Buffer) => {
      child.stderr.write(chunk)
      child.record(chunk)
    })
    const cleanup = () => {
      clearTimeout(escalation)
      for (const name of signals) process.off(name, onSignal)
      child.signal?.removeEventListener('abort', onAbort)
    }
    proc.on('error', (error) => {
      cleanup()
      reject(new ProjectError(`Could not start ${file}: ${error.message}`))
    })
    proc.on('close', (code, signal) => {
      cleanup()
      const exitCode = code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)
      const commandMs = performance.now() - started
      if (exitCode === 0) resolveOutcome({ status: 'FINISHED', exitCode, commandMs })
      else resolveOutcome({ status: forwarded > 0 ? 'KILLED' : 'FAILED', exitCode, commandMs })
    })
  })
}
