import { realpathSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import { dirname, sep } from 'node:path'
import { invalidParameter } from '@orchard/protocol/base'

// resolveInside() checks the path as written; a symbolic link inside the root (planted by anyone who
// can write there, or by an earlier upload through another tool) could still lead out of it. Before
// any file operation, the part of the path that exists is resolved through its links and must still
// lie inside the root's own real path.

const errnoCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code
const MISSING = new Set(['ENOENT', 'ENOTDIR'])

const inside = (realRoot: string, real: string) => real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)

function escapes(path: string): never {
  throw invalidParameter(`Invalid artifact path ${JSON.stringify(path)}: it leads out of the artifact root through a symbolic link.`)
}

/** The real path of `path`, or of its deepest existing ancestor; undefined if not even `stop` exists. */
async function realExisting(path: string, stop: string): Promise<string | undefined> {
  for (let current = path; ; current = dirname(current)) {
    try {
      return await realpath(current)
    } catch (error) {
      if (!MISSING.has(errnoCode(error) ?? '') || current === stop || dirname(current) === current) return undefined
    }
  }
}

/**
 * Throws INVALID_PARAMETER_VALUE unless `target` (already lexically inside `root`) stays inside the
 * root's real path once symbolic links are followed. With `followLast: false` the last component is
 * not followed (deleting a link removes the link, not what it points to).
 */
export async function assertRealPathInside(root: string, target: string, shown: string, followLast = true): Promise<void> {
  let realRoot: string
  try {
    realRoot = await realpath(root)
  } catch (error) {
    if (MISSING.has(errnoCode(error) ?? '')) return // no root yet: nothing under it to follow
    throw error
  }
  const checked = followLast || target === root ? target : dirname(target)
  const real = await realExisting(checked, root)
  if (real !== undefined && !inside(realRoot, real)) escapes(shown)
}

/** For listings and copies: whether `path` (a directory entry under `root`) resolves inside it. */
export function realPathInsideSync(realRoot: string, path: string): boolean {
  try {
    return inside(realRoot, realpathSync(path))
  } catch {
    return false
  }
}

export async function realRootOf(root: string): Promise<string | undefined> {
  try {
    return await realpath(root)
  } catch {
    return undefined
  }
}
