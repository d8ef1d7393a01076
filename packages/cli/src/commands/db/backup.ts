import { CommandError, defineCommand } from '../../command.ts'
import { ProgressBar } from '../../progress.ts'

// SQLite's default page size; the bar counts bytes from pages.
const PAGE_BYTES = 4096

/** `orchard db backup <uri> <file>`: a consistent copy of a SQLite tracking database, taken online. */
export const command = defineCommand({
  summary: 'Copy a SQLite tracking database to a new file while servers keep using it',
  description:
    "Uses SQLite's online backup: the copy is consistent even while servers write. Artifacts are not\n" +
    'included (copy the artifact folder or bucket separately). For PostgreSQL use pg_dump (docs/deployment.md).',
  positionals: [
    { name: 'uri', description: 'sqlite:///<path> of the database to copy' },
    { name: 'file', description: 'the backup file to create (must not exist)' },
  ],
  flags: {},
  example: 'orchard db backup sqlite:///mlruns/orchard.db backups/orchard-2026-12-03.db',
  async run({ positionals }) {
    const [uri = '', file = ''] = positionals
    const { backupSqliteStore } = await import('@orchard/store')
    const bar = new ProgressBar('backup', { unit: 'bytes' })
    try {
      const { pages } = await backupSqliteStore(uri, file, ({ totalPages, remainingPages }) =>
        bar.update({ done: (totalPages - remainingPages) * PAGE_BYTES, total: totalPages * PAGE_BYTES }),
      )
      bar.done()
      process.stdout.write(`backed up ${pages} pages to ${file}\n`)
    } catch (error) {
      bar.done()
      throw new CommandError((error as Error).message)
    }
  },
})
