import type { ModelVersion, Page, RegisteredModel, RegistryEvent, Tag } from '@orchard/core'
import { registryRouteAddresses } from '@orchard/protocol/base'
import type { WireModelVersion, WireRegisteredModel, WireRegistryEvent } from '@orchard/protocol'
import type { HttpClient } from './http-client.ts'
import { modelVersionFromWire, registeredModelFromWire, registryEventFromWire } from './registry-from-wire.ts'
import type {
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  RegistryNote,
  RegistryTransport,
  SearchRegistryEventsQuery,
  SearchRegistryQuery,
} from './registry-transport.ts'
import { routeRequest } from './route-request.ts'
import type { WireRequest } from './route-request.ts'

type RegistryOperation = keyof typeof registryRouteAddresses

/**
 * Registry operations that may be sent again after a failure that left it open whether the server
 * acted: reads, and the ones that set a value (tags, descriptions, aliases, stages). The store records
 * an audit event only when the value changes, so a repeat leaves neither data nor trail doubled.
 * Creates, renames and deletes would fail or duplicate on the repeat.
 */
const RESEND_SAFE: ReadonlySet<RegistryOperation> = new Set<RegistryOperation>([
  'getRegisteredModel',
  'updateRegisteredModel',
  'searchRegisteredModels',
  'getLatestVersions',
  'setRegisteredModelTag',
  'setRegisteredModelAlias',
  'getModelVersionByAlias',
  'getModelVersion',
  'updateModelVersion',
  'searchModelVersions',
  'transitionModelVersionStage',
  'setModelVersionTag',
  'getModelVersionDownloadUri',
  'searchRegistryEvents',
])

const tagsToWire = (tags: readonly Tag[] | undefined) => (tags?.length ? tags.map((t) => ({ key: t.key, value: t.value })) : undefined)

function page<W, T>(items: readonly W[] | undefined, map: (wire: W) => T, token: unknown): Page<T> {
  return { items: (items ?? []).map(map), ...(typeof token === 'string' && token ? { nextPageToken: token } : {}) }
}

const searchRequest = (query: SearchRegistryQuery): WireRequest => ({
  filter: query.filter,
  max_results: query.maxResults,
  order_by: query.orderBy?.length ? query.orderBy : undefined,
  page_token: query.pageToken,
})

/**
 * The registry half of RestTransport, over MLflow's model registry routes (and Orchard's audit
 * trail route), every URL from the protocol route table.
 */
export class RestRegistryTransport implements RegistryTransport {
  /** `root` is the server root (serverRoot of the tracking URI). */
  protected constructor(
    protected readonly root: string,
    protected readonly http: HttpClient,
  ) {}

  private registry(operation: RegistryOperation, request: WireRequest): Promise<Record<string, unknown>> {
    return this.http.send(routeRequest(this.root, registryRouteAddresses[operation], request), RESEND_SAFE.has(operation))
  }

  private async model(operation: RegistryOperation, request: WireRequest): Promise<RegisteredModel> {
    const reply = await this.registry(operation, request)
    return registeredModelFromWire(reply.registered_model as WireRegisteredModel)
  }

  private async version(operation: RegistryOperation, request: WireRequest): Promise<ModelVersion> {
    const reply = await this.registry(operation, request)
    return modelVersionFromWire(reply.model_version as WireModelVersion)
  }

  createRegisteredModel(input: CreateRegisteredModelInput, note: RegistryNote = {}): Promise<RegisteredModel> {
    return this.model('createRegisteredModel', {
      name: input.name,
      tags: tagsToWire(input.tags),
      description: input.description,
      comment: note.comment,
    })
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.model('getRegisteredModel', { name })
  }

  renameRegisteredModel(name: string, newName: string, note: RegistryNote = {}): Promise<RegisteredModel> {
    return this.model('renameRegisteredModel', { name, new_name: newName, comment: note.comment })
  }

  updateRegisteredModel(name: string, description: string | undefined, note: RegistryNote = {}): Promise<RegisteredModel> {
    return this.model('updateRegisteredModel', { name, description, comment: note.comment })
  }

  async deleteRegisteredModel(name: string, note: RegistryNote = {}): Promise<void> {
    await this.registry('deleteRegisteredModel', { name, comment: note.comment })
  }

  async searchRegisteredModels(query: SearchRegistryQuery): Promise<Page<RegisteredModel>> {
    const reply = await this.registry('searchRegisteredModels', searchRequest(query))
    return page(reply.registered_models as WireRegisteredModel[] | undefined, registeredModelFromWire, reply.next_page_token)
  }

  async getLatestVersions(name: string, stages?: readonly string[]): Promise<ModelVersion[]> {
    const reply = await this.registry('getLatestVersions', { name, stages: stages?.length ? stages : undefined })
    return ((reply.model_versions as WireModelVersion[] | undefined) ?? []).map(modelVersionFromWire)
  }

  async setRegisteredModelTag(name: string, tag: Tag, note: RegistryNote = {}): Promise<void> {
    await this.registry('setRegisteredModelTag', { name, key: tag.key, value: tag.value, comment: note.comment })
  }

  async deleteRegisteredModelTag(name: string, key: string, note: RegistryNote = {}): Promise<void> {
    await this.registry('deleteRegisteredModelTag', { name, key, comment: note.comment })
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string, note: RegistryNote = {}): Promise<void> {
    await this.registry('setRegisteredModelAlias', { name, alias, version, comment: note.comment })
  }

  async deleteRegisteredModelAlias(name: string, alias: string, note: RegistryNote = {}): Promise<void> {
    await this.registry('deleteRegisteredModelAlias', { name, alias, comment: note.comment })
  }

  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.version('getModelVersionByAlias', { name, alias })
  }

  createModelVersion(input: CreateModelVersionInput, note: RegistryNote = {}): Promise<ModelVersion> {
    return this.version('createModelVersion', {
      name: input.name,
      source: input.source,
      run_id: input.runId,
      tags: tagsToWire(input.tags),
      run_link: input.runLink,
      description: input.description,
      model_id: input.modelId,
      comment: note.comment,
    })
  }

  getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return this.version('getModelVersion', { name, version })
  }

  updateModelVersion(name: string, version: string, description: string | undefined, note: RegistryNote = {}): Promise<ModelVersion> {
    return this.version('updateModelVersion', { name, version, description, comment: note.comment })
  }

  async deleteModelVersion(name: string, version: string, note: RegistryNote = {}): Promise<void> {
    await this.registry('deleteModelVersion', { name, version, comment: note.comment })
  }

  async searchModelVersions(query: SearchRegistryQuery): Promise<Page<ModelVersion>> {
    const reply = await this.registry('searchModelVersions', searchRequest(query))
    return page(reply.model_versions as WireModelVersion[] | undefined, modelVersionFromWire, reply.next_page_token)
  }

  transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExistingVersions: boolean,
    note: RegistryNote = {},
  ): Promise<ModelVersion> {
    return this.version('transitionModelVersionStage', {
      name,
      version,
      stage,
      archive_existing_versions: archiveExistingVersions,
      comment: note.comment,
    })
  }

  async setModelVersionTag(name: string, version: string, tag: Tag, note: RegistryNote = {}): Promise<void> {
    await this.registry('setModelVersionTag', { name, version, key: tag.key, value: tag.value, comment: note.comment })
  }

  async deleteModelVersionTag(name: string, version: string, key: string, note: RegistryNote = {}): Promise<void> {
    await this.registry('deleteModelVersionTag', { name, version, key, comment: note.comment })
  }

  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    const reply = await this.registry('getModelVersionDownloadUri', { name, version })
    return typeof reply.artifact_uri === 'string' ? reply.artifact_uri : ''
  }

  async searchRegistryEvents(query: SearchRegistryEventsQuery): Promise<Page<RegistryEvent>> {
    const reply = await this.registry('searchRegistryEvents', {
      name: query.name,
      version: query.version,
      max_results: query.maxResults,
      page_token: query.pageToken,
    })
    return page(reply.events as WireRegistryEvent[] | undefined, registryEventFromWire, reply.next_page_token)
  }
}
