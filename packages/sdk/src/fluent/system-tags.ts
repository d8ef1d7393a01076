import { userInfo } from 'node:os'
import { dirname } from 'node:path'
import type { Tag } from '@orchard/core'
import { gitCommit } from './git-commit.ts'

// MLflow's reserved tag names (mlflow/utils/mlflow_tags.py).
export const USER_TAG = 'mlflow.user'
const SOURCE_NAME_TAG = 'mlflow.source.name'
const SOURCE_TYPE_TAG = 'mlflow.source.type'
const GIT_COMMIT_TAG = 'mlflow.source.git.commit'
export const RUN_NAME_TAG = 'mlflow.runName'
export const PARENT_RUN_ID_TAG = 'mlflow.parentRunId'

/** Who runs this process, as Python's getpass.getuser() (which MLflow uses) finds it. */
export function currentUser(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = env[name]
    if (value) return value
  }
  try {
    return userInfo().username
  } catch {
    return 'unknown'
  }
}

/**
 * The tags MLflow's fluent API puts on every run it starts: user, entry script, source type and,
 * inside a git work tree, the commit checked out there.
 */
export async function systemTags(
  entryScript: string | undefined = process.argv[1],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tag[]> {
  const tags: Tag[] = [
    { key: USER_TAG, value: currentUser(env) },
    { key: SOURCE_NAME_TAG, value: entryScript ?? '<console>' },
    { key: SOURCE_TYPE_TAG, value: 'LOCAL' },
  ]
  const commit = await gitCommit(entryScript ? dirname(entryScript) : process.cwd())
  if (commit) tags.push({ key: GIT_COMMIT_TAG, value: commit })
  return tags
}
