import { OrchardError, isOrchardError } from '@orchard/protocol/base'
import type { AuthStore } from '@orchard/store'

export interface InitialAdmin {
  readonly username: string
  readonly password: string
}

const NO_ADMIN_MESSAGE =
  'Authentication is on (--app-name basic-auth) but no admin user exists yet. For the first start, set ' +
  'ORCHARD_ADMIN_USERNAME and ORCHARD_ADMIN_PASSWORD (at least 12 characters), or admin_username and ' +
  'admin_password in the file given by --auth-config. There is no built-in default password.'

/**
 * Makes sure an admin exists before the server listens: creates `initial` when no user of that name
 * exists (an existing user's password is never overwritten from the environment), then refuses to
 * start when the store still has no admin.
 */
export async function ensureAdmin(store: AuthStore, initial: InitialAdmin | undefined): Promise<void> {
  if (initial && !(await store.findUser(initial.username))) {
    try {
      await store.createUser(initial.username, initial.password, true)
    } catch (error) {
      // Another replica starting at the same moment created it first.
      if (!isOrchardError(error) || error.code !== 'RESOURCE_ALREADY_EXISTS') throw error
    }
  }
  if ((await store.countAdmins()) === 0) throw new OrchardError('INVALID_STATE', NO_ADMIN_MESSAGE)
}
