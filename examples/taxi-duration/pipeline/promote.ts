// Registry steps: register a logged model and walk it through Staging to Production with the
// `champion` alias, each step with a comment that lands in the registry's audit trail.
import type { ModelVersion, OrchardClient } from '@orchard/sdk'

export const CHAMPION_ALIAS = 'champion'

/** `models:/<name>@champion`: what retrain scores and what `orchard models serve` deploys. */
export const championModelUri = (name: string): string => `models:/${name}@${CHAMPION_ALIAS}`

export async function registerCandidate(client: OrchardClient, modelUri: string, name: string, description: string): Promise<ModelVersion> {
  const version = await client.registerModel(modelUri, name)
  await client.updateModelVersion(name, version.version, description, { comment: 'registered by the taxi-duration example' })
  return version
}

/** None → Staging → Production (archiving the previous Production version) → alias champion. */
export async function promoteToChampion(client: OrchardClient, name: string, version: string, reason: string): Promise<void> {
  await client.transitionModelVersionStage(name, version, 'Staging', { comment: `staging: ${reason}` })
  await client.transitionModelVersionStage(name, version, 'Production', { archiveExistingVersions: true, comment: `production: ${reason}` })
  await client.setRegisteredModelAlias(name, CHAMPION_ALIAS, version, { comment: reason })
}

/** The champion version, or undefined when the model has none yet. */
export async function currentChampion(client: OrchardClient, name: string): Promise<ModelVersion | undefined> {
  try {
    return await client.getModelVersionByAlias(name, CHAMPION_ALIAS)
  } catch (error) {
    if ((error as { code?: string }).code === 'RESOURCE_DOES_NOT_EXIST' || (error as { code?: string }).code === 'INVALID_PARAMETER_VALUE') return undefined
    throw error
  }
}
