import { REGISTRY_EVENTS_DEFAULT_MAX_RESULTS, REGISTRY_EVENTS_MAX_RESULTS, invalidParameter } from '@orchard/protocol/base'
import type { registryRoutes } from '@orchard/protocol'
import { parseModelVersion, registryEventToWire } from '@orchard/core'
import type { Handlers } from '../define-routes.ts'
import { checkMaxResults, pageToWire } from './paging.ts'
import { registryOf } from './registry-context.ts'

export const registryEventHandlers: Handlers<Pick<typeof registryRoutes, 'searchRegistryEvents'>> = {
  async searchRegistryEvents(request, context) {
    const maxResults = checkMaxResults(request.max_results, REGISTRY_EVENTS_DEFAULT_MAX_RESULTS, REGISTRY_EVENTS_MAX_RESULTS)
    if (request.version !== undefined) {
      if (!request.name) throw invalidParameter("Parameter 'version' needs 'name': versions are numbered per registered model.")
      parseModelVersion(request.version)
    }
    const page = await registryOf(context).searchRegistryEvents({
      maxResults,
      ...(request.name ? { name: request.name } : {}),
      ...(request.version !== undefined ? { version: request.version } : {}),
      ...(request.page_token ? { pageToken: request.page_token } : {}),
    })
    return pageToWire('events', page, registryEventToWire)
  },
}
