import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { OrchardError } from '@orchard/protocol/base'
import { parseStoreUri } from '../store-uri.ts'

export interface BackupProgress {
  readonly totalPages: number
  readonly remainingPages: number
}

/**
 * Copy a SQLite tracking database to `destination` with SQLite's online backup API: consistent
 * while servers keep reading and writing it (pages changed during the copy are copied again), so
 * nothing has to stop. PostgreSQL is backed up with its own tools (pg_dump; docs/deployment.md).
 */
export async function backupSqliteStore(uri: string, destination: string, onProgress?: (progress: BackupProgress) => void): Promise<{ pages: number }> {
  const target = parseStoreUri(uri)
  if (target.kind !== 'sqlite' || target.memory) {
    throw new OrchardError('INVALID_PARAMETER_VALUE', `'${uri}' is not a SQLite database file; back up PostgreSQL with pg_dump (see docs/deployment.md).`)
  }
  if (!existsSync(target.path)) throw new OrchardError('RESOURCE_DOES_NOT_EXIST', `No database file at ${target.path}.`)
  if (existsSync(destination)) throw new OrchardError('RESOURCE_ALREADY_EXISTS', `${destination} already exists; choose a new file.`)
  const source = new Database(target.path, { readonly: true, fileMustExist: true, timeout: 5_000 })
  try {
    let pages = 0
    await source.backup(destination, {
      progress({ totalPages, remainingPages }) {
        pages = totalPages
        onProgress?.({ totalPages, remainingPages })
        // Pages per step: large enough to finish quickly, small enough to let writers in between.
        return 1_000
      },
    })
    return { pages }
  } finally {
    source.close()
  }
}
