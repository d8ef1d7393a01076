import { CommandError, parseCommand, renderHelp, UsageError, wantsHelp } from './command.ts'
import type { Command } from './command.ts'
import { cliVersion } from './version.ts'

// Command modules are loaded on demand, and each loads the server, store or SDK only inside its
// run(): `--help` and usage errors never open a database or pull in native modules. Even
// @orchard/protocol (zod and the route table, ~150 ms) is loaded only by commands that talk to a server.
type Loader = () => Promise<{ command: Command }>

interface Group {
  readonly summary: string
  readonly verbs: Readonly<Record<string, Loader>>
}

const COMMANDS: Readonly<Record<string, Loader>> = {
  server: () => import('./commands/server.ts'),
  gc: () => import('./commands/gc.ts'),
  run: () => import('./commands/run.ts'),
}

const GROUPS: Readonly<Record<string, Group>> = {
  db: {
    summary: 'Upgrade the tracking database schema; back up a SQLite database online',
    verbs: { upgrade: () => import('./commands/db/upgrade.ts'), backup: () => import('./commands/db/backup.ts') },
  },
  experiments: {
    summary: 'Create, search, describe, rename, delete and restore experiments',
    verbs: {
      create: () => import('./commands/experiments/create.ts'),
      search: () => import('./commands/experiments/search.ts'),
      describe: () => import('./commands/experiments/describe.ts'),
      rename: () => import('./commands/experiments/rename.ts'),
      delete: () => import('./commands/experiments/delete.ts'),
      restore: () => import('./commands/experiments/restore.ts'),
    },
  },
  tokens: {
    summary: 'Create, list and revoke personal access tokens on a server with authentication on',
    verbs: {
      create: () => import('./commands/tokens/create.ts'),
      list: () => import('./commands/tokens/list.ts'),
      revoke: () => import('./commands/tokens/revoke.ts'),
    },
  },
  roles: {
    summary: 'Create roles, grant and deny on them, and assign them to users (admins, authentication on)',
    verbs: {
      create: () => import('./commands/roles/create.ts'),
      list: () => import('./commands/roles/list.ts'),
      delete: () => import('./commands/roles/delete.ts'),
      grant: () => import('./commands/roles/grant.ts'),
      deny: () => import('./commands/roles/deny.ts'),
      revoke: () => import('./commands/roles/revoke.ts'),
      assign: () => import('./commands/roles/assign.ts'),
      unassign: () => import('./commands/roles/unassign.ts'),
    },
  },
  groups: {
    summary: 'Create groups of users, manage their members and the roles they hold (admins, authentication on)',
    verbs: {
      create: () => import('./commands/groups/create.ts'),
      list: () => import('./commands/groups/list.ts'),
      delete: () => import('./commands/groups/delete.ts'),
      'add-member': () => import('./commands/groups/add-member.ts'),
      'remove-member': () => import('./commands/groups/remove-member.ts'),
      'assign-role': () => import('./commands/groups/assign-role.ts'),
      'unassign-role': () => import('./commands/groups/unassign-role.ts'),
    },
  },
  artifacts: {
    summary: "Upload, list and download runs' artifacts",
    verbs: {
      log: () => import('./commands/artifacts/log.ts'),
      list: () => import('./commands/artifacts/list.ts'),
      download: () => import('./commands/artifacts/download.ts'),
    },
  },
  runs: {
    summary: 'Create, search, describe, delete and restore runs',
    verbs: {
      create: () => import('./commands/runs/create.ts'),
      search: () => import('./commands/runs/search.ts'),
      describe: () => import('./commands/runs/describe.ts'),
      delete: () => import('./commands/runs/delete.ts'),
      restore: () => import('./commands/runs/restore.ts'),
    },
  },
  models: {
    summary: 'Browse the model registry, move versions between stages, set aliases, see the audit trail; serve and score models',
    verbs: {
      list: () => import('./commands/models/list.ts'),
      describe: () => import('./commands/models/describe.ts'),
      versions: () => import('./commands/models/versions.ts'),
      transition: () => import('./commands/models/transition.ts'),
      alias: () => import('./commands/models/alias.ts'),
      history: () => import('./commands/models/history.ts'),
      serve: () => import('./commands/models/serve.ts'),
      predict: () => import('./commands/models/predict.ts'),
    },
  },
  monitor: {
    summary: 'Watch data and models in production: drift between a reference and current data, quality once labels arrive, and both on a schedule',
    verbs: {
      drift: () => import('./commands/monitor/drift.ts'),
      label: () => import('./commands/monitor/label.ts'),
      run: () => import('./commands/monitor/run.ts'),
    },
  },
}

async function topLevelHelp(): Promise<string> {
  const entries: [string, string][] = []
  for (const [name, load] of Object.entries(COMMANDS)) entries.push([name, (await load()).command.summary])
  for (const [name, group] of Object.entries(GROUPS)) entries.push([`${name} <command>`, group.summary])
  const width = Math.max(...entries.map(([name]) => name.length))
  return [
    'Usage: orchard <command> [flags]',
    '',
    'Orchard: an MLflow-compatible tracking server and its tools.',
    '',
    'Commands:',
    ...entries.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Flags:',
    '  -h, --help     Show this help (also after any command)',
    '  -v, --version  Print the version',
    '',
    'Example:',
    '  orchard server --port 5000',
    '',
  ].join('\n')
}

async function groupHelp(name: string, group: Group): Promise<string> {
  const entries: [string, string][] = []
  for (const [verb, load] of Object.entries(group.verbs)) entries.push([verb, (await load()).command.summary])
  const width = Math.max(...entries.map(([verb]) => verb.length))
  const [firstVerb] = Object.keys(group.verbs)
  return [
    `Usage: orchard ${name} <command> [flags]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...entries.map(([verb, summary]) => `  ${verb.padEnd(width)}  ${summary}`),
    '',
    'Flags:',
    '  -h, --help  Show this help',
    '',
    'Example:',
    `  orchard ${name} ${firstVerb ?? ''} --help`,
    '',
  ].join('\n')
}

/** Resolve argv to a command and run it; resolves to the process exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let helpPath = ''
  try {
    const [first, second] = argv
    if (first === undefined) {
      process.stderr.write(await topLevelHelp())
      return 2
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(await topLevelHelp())
      return 0
    }
    if (first === '--version' || first === '-v') {
      process.stdout.write(`orchard ${cliVersion()}\n`)
      return 0
    }
    let path: string
    let load: Loader | undefined
    let rest: readonly string[]
    const group = GROUPS[first]
    if (group) {
      helpPath = first
      if (second === undefined || second === '--help' || second === '-h') {
        const text = await groupHelp(first, group)
        if (second === undefined) {
          process.stderr.write(text)
          return 2
        }
        process.stdout.write(text)
        return 0
      }
      load = group.verbs[second]
      if (!load) throw new UsageError(`unknown command '${first} ${second}'`)
      path = `${first} ${second}`
      rest = argv.slice(2)
    } else {
      load = COMMANDS[first]
      if (!load) throw new UsageError(`unknown ${first.startsWith('-') ? 'flag' : 'command'} '${first}'`)
      path = first
      rest = argv.slice(1)
    }
    helpPath = path
    const { command } = await load()
    if (wantsHelp(rest)) {
      process.stdout.write(renderHelp(path, command))
      return 0
    }
    return (await command.run(parseCommand(command, rest))) ?? 0
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}. See 'orchard ${helpPath ? `${helpPath} ` : ''}--help'.\n`)
      return 2
    }
    const { isOrchardError } = await import('@orchard/protocol/base')
    if (error instanceof CommandError || isOrchardError(error)) {
      process.stderr.write(`error: ${error.message}\n`)
      return 1
    }
    // Anything else is a bug or an environment problem (disk, network): one line, and the stack only
    // when asked for.
    const message = error instanceof Error ? error.message : String(error)
    process.stderr.write(`error: ${message}\n`)
    if (process.env.ORCHARD_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`)
    else process.stderr.write('(set ORCHARD_DEBUG=1 to see the stack trace)\n')
    return 1
  }
}

// The AWS SDK warns on stderr, once per process, that its releases after January 2027 will need
// Node 22. Orchard pins the SDK's version, so the warning is about a future this install does not
// have, and ten lines of it would break the CLI's one-line `error: …` contract. Users may still opt in.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

process.exitCode = await main(process.argv.slice(2))
