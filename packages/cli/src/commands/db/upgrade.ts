import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { CommandError, defineCommand } from '../../command.ts'
import { sqliteFile } from '../../sqlite-file.ts'

/** `orchard db upgrade <uri>`: bring a tracking database's schema to this release's version. */
export const command = defineCommand({
  summary: "Migrate a tracking database's schema to the current version",
  description:
    'Safe to run again: an up-to-date database is left as it is. Stop servers using the database first.',
  positionals: [{ name: 'uri', description: 'sqlite:///<path> or postgresql://…' }],
  flags: {},
  example: 'orchard db upgrade sqlite:///mlruns/orchard.db',
  async run({ positionals }) {
    const [uri = ''] = positionals
    const database = sqliteFile(uri)
    if (database && !existsSync(dirname(database))) {
      throw new CommandError(`no folder ${dirname(database)} for the database ${database}`)
    }
    const { upgradeTrackingStore } = await import('@orchard/store')
    const { from, to } = await upgradeTrackingStore(uri)
    process.stdout.write(
      from === to ? `schema already at version ${to} (${from} → ${to})\n` : `schema upgraded: ${from} → ${to}\n`,
    )
  },
})
