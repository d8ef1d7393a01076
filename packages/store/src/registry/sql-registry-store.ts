import type { AuditNote, ModelVersionStage, NewWebhook, Tag, WebhookAttemptResult, WebhookUpdate } from '@orchard/core'
import { parseModelVersion } from '@orchard/core'
import type { StoreContext } from '../sql/context.ts'
import { workspaceContext } from '../sql/sql-tracking-store.ts'
import type { Workspace } from '../workspaces/workspace-store.ts'
import * as outbox from '../webhooks/outbox.ts'
import * as webhooks from '../webhooks/webhooks.ts'
import { searchRegistryEvents } from './events.ts'
import { resolveModelUri } from './model-uri.ts'
import * as versions from './model-versions.ts'
import * as models from './registered-models.ts'
import { searchModelVersions, searchRegisteredModels } from './registry-search.ts'
import type {
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  RegistryStore,
  SearchRegistryEventsQuery,
  SearchRegistryQuery,
} from './registry-store.ts'

/**
 * The RegistryStore over any Db + Dialect. `ownsConnection: false` when it shares the tracking
 * store's connection (openStores): then the tracking store's close() closes it.
 */
export class SqlRegistryStore implements RegistryStore {
  constructor(
    private readonly ctx: StoreContext,
    private readonly ownsConnection = true,
  ) {}

  forWorkspace = (workspace: Workspace): RegistryStore => new SqlRegistryStore(workspaceContext(this.ctx, workspace), false)

  createRegisteredModel = (input: CreateRegisteredModelInput, note?: AuditNote) => models.createRegisteredModel(this.ctx, input, note)
  getRegisteredModel = (name: string) => models.getRegisteredModel(this.ctx, name)
  renameRegisteredModel = (name: string, newName: string, note?: AuditNote) => models.renameRegisteredModel(this.ctx, name, newName, note)
  updateRegisteredModel = (name: string, description: string | undefined, note?: AuditNote) =>
    models.updateRegisteredModel(this.ctx, name, description, note)
  deleteRegisteredModel = (name: string, note?: AuditNote) => models.deleteRegisteredModel(this.ctx, name, note)
  searchRegisteredModels = (query: SearchRegistryQuery) => searchRegisteredModels(this.ctx, query)
  getLatestVersions = (name: string, stages?: readonly string[]) => models.getLatestVersions(this.ctx, name, stages)
  setRegisteredModelTag = (name: string, tag: Tag, note?: AuditNote) => models.setRegisteredModelTag(this.ctx, name, tag, note)
  deleteRegisteredModelTag = (name: string, key: string, note?: AuditNote) => models.deleteRegisteredModelTag(this.ctx, name, key, note)
  setRegisteredModelAlias = (name: string, alias: string, version: string, note?: AuditNote) =>
    models.setRegisteredModelAlias(this.ctx, name, alias, version, note)
  deleteRegisteredModelAlias = (name: string, alias: string, note?: AuditNote) => models.deleteRegisteredModelAlias(this.ctx, name, alias, note)
  getModelVersionByAlias = (name: string, alias: string) => models.getModelVersionByAlias(this.ctx, name, alias)

  createModelVersion = (input: CreateModelVersionInput, note?: AuditNote) => versions.createModelVersion(this.ctx, input, note)
  getModelVersion = (name: string, version: string) => versions.getModelVersion(this.ctx, name, version)
  updateModelVersion = (name: string, version: string, description: string | undefined, note?: AuditNote) =>
    versions.updateModelVersion(this.ctx, name, version, description, note)
  deleteModelVersion = (name: string, version: string, note?: AuditNote) => versions.deleteModelVersion(this.ctx, name, version, note)
  searchModelVersions = (query: SearchRegistryQuery) => searchModelVersions(this.ctx, query)
  transitionModelVersionStage = (name: string, version: string, stage: ModelVersionStage, archive: boolean, note?: AuditNote) =>
    versions.transitionModelVersionStage(this.ctx, name, version, stage, archive, note)
  setModelVersionTag = (name: string, version: string, tag: Tag, note?: AuditNote) => versions.setModelVersionTag(this.ctx, name, version, tag, note)
  deleteModelVersionTag = (name: string, version: string, key: string, note?: AuditNote) =>
    versions.deleteModelVersionTag(this.ctx, name, version, key, note)
  getModelVersionDownloadUri = (name: string, version: string) => versions.getModelVersionDownloadUri(this.ctx, name, version)

  resolveModelUri = (uri: string) => resolveModelUri(this.ctx, uri)

  searchRegistryEvents = (query: SearchRegistryEventsQuery) =>
    searchRegistryEvents(this.ctx, query, query.version === undefined ? undefined : parseModelVersion(query.version))

  createWebhook = (input: NewWebhook) => webhooks.createWebhook(this.ctx, input)
  getWebhook = (webhookId: string) => webhooks.getWebhook(this.ctx, webhookId)
  getWebhookWithSecret = (webhookId: string) => webhooks.getWebhookWithSecret(this.ctx, webhookId)
  listWebhooks = (query: { maxResults: number; pageToken?: string }) => webhooks.listWebhooks(this.ctx, query)
  updateWebhook = (webhookId: string, update: WebhookUpdate) => webhooks.updateWebhook(this.ctx, webhookId, update)
  deleteWebhook = (webhookId: string) => webhooks.deleteWebhook(this.ctx, webhookId)
  claimWebhookDeliveries = (owner: string, leaseMs: number, limit: number) => outbox.claimWebhookDeliveries(this.ctx, owner, leaseMs, limit)
  recordWebhookAttempt = (deliveryId: string, owner: string, result: WebhookAttemptResult) =>
    outbox.recordWebhookAttempt(this.ctx, deliveryId, owner, result)
  listWebhookDeliveries = (query: { webhookId: string; maxResults: number; pageToken?: string }) => outbox.listWebhookDeliveries(this.ctx, query)

  close = async () => {
    if (this.ownsConnection) await this.ctx.db.close()
  }
}
