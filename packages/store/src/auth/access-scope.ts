import type { AccessScope } from '@orchard/core'
import { fragment } from '../sql/dialect.ts'
import type { Fragment } from '../sql/dialect.ts'

// A search under access control keeps the rows the user may read. With a readable default (MLflow's
// READ), that is every row but those the user was explicitly given NO_PERMISSIONS on; with an
// unreadable default, only rows with a readable grant. Both are one indexed probe of the user's
// grants per row, inside the search's own WHERE, so pages are full and page tokens stay right.

function readable(table: string, key: string, column: string, scope: AccessScope): Fragment {
  return scope.defaultCanRead
    ? fragment(`NOT EXISTS (SELECT 1 FROM ${table} ap WHERE ap.user_id = ? AND ap.${key} = ${column} AND ap.permission = 'NO_PERMISSIONS')`, [scope.userId])
    : fragment(`EXISTS (SELECT 1 FROM ${table} ap WHERE ap.user_id = ? AND ap.${key} = ${column} AND ap.permission <> 'NO_PERMISSIONS')`, [scope.userId])
}

/** Rows whose experiment id (`column`) the scope's user may read. */
export const readableExperiments = (column: string, scope: AccessScope): Fragment =>
  readable('experiment_permissions', 'experiment_id', column, scope)

/** Rows whose registered model name (`column`) the scope's user may read. */
export const readableRegisteredModels = (column: string, scope: AccessScope): Fragment =>
  readable('registered_model_permissions', 'name', column, scope)
