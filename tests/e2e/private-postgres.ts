// A PostgreSQL cluster of the test's own, in a temporary folder on a free port: a test may restart or
// stop it without touching the shared server at 127.0.0.1:5432 that other tests use at the same time.
// Built with the machine's own PostgreSQL binaries (ORCHARD_PG_BINDIR, else the newest under
// /usr/lib/postgresql/*/bin). PostgreSQL refuses to run as root, so under root it runs as `postgres`.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../../packages/artifacts/test/moto.ts'

const run = promisify(execFile)

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  readonly url: string
  /** `pg_ctl restart -m fast`: every connection is ended, the server is back when this resolves. */
  restart(): Promise<void>
  stop(): Promise<void>
}

function binDir(): string {
  if (process.env.ORCHARD_PG_BINDIR) return process.env.ORCHARD_PG_BINDIR
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (!newest) throw new Error(`No PostgreSQL binaries under ${root}; set ORCHARD_PG_BINDIR to the folder holding initdb and pg_ctl.`)
  return join(root, newest, 'bin')
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()
  const dir = await mkdtemp(join(tmpdir(), 'orchard-pg-'))
  const data = join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  const postgresUid = asRoot ? Number((await run('id', ['-u', 'postgres'])).stdout.trim()) : undefined
  if (postgresUid !== undefined) await chown(dir, postgresUid, Number((await run('id', ['-g', 'postgres'])).stdout.trim()))
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args)
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60`
  const ctl = (args: string[]) => pg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', ...args])
  await ctl(['start'])
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await ctl(['-m', 'fast', 'restart'])
    },
    stop: async () => {
      await ctl(['-m', 'immediate', 'stop']).catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
