import { OrchardError } from '@orchard/protocol/base'
import type { GrantListRoutes } from '@orchard/protocol'
import type { SsoStore } from '@orchard/store'
import type { Handlers } from '../define-routes.ts'
import type { ServerContext } from '../server-context.ts'

function ssoOf(context: ServerContext): SsoStore {
  const sso = context.auth?.sso
  if (!sso) throw new OrchardError('NOT_IMPLEMENTED', 'Listing grants needs the server started with its sign-in store (orchard server --app-name basic-auth).')
  return sso
}

// The permissions tabs of experiments and models: who holds which grant. MANAGE on the resource (or
// admin) is checked by access control before these run.
export const grantListHandlers: Handlers<GrantListRoutes> = {
  async listExperimentGrants(request, context) {
    return { permissions: await ssoOf(context).listExperimentGrants(request.experiment_id) }
  },
  async listRegisteredModelGrants(request, context) {
    return { permissions: await ssoOf(context).listRegisteredModelGrants(request.name) }
  },
}
