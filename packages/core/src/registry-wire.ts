import type { WireModelVersion, WireRegisteredModel, WireRegistryEvent } from '@orchard/protocol'
import type { ModelVersion, RegisteredModel, RegistryEvent } from './registry-types.ts'

// Registry entities to MLflow's proto JSON: unset optional fields and empty lists are left out.

export function modelVersionToWire(v: ModelVersion): WireModelVersion {
  const wire: WireModelVersion = {
    name: v.name,
    version: v.version,
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    current_stage: v.currentStage,
    source: v.source,
    status: v.status,
  }
  if (v.userId !== undefined) wire.user_id = v.userId
  if (v.description !== undefined) wire.description = v.description
  if (v.runId !== undefined) wire.run_id = v.runId
  if (v.runLink !== undefined) wire.run_link = v.runLink
  if (v.modelId !== undefined) wire.model_id = v.modelId
  if (v.statusMessage) wire.status_message = v.statusMessage
  if (v.tags.length) wire.tags = v.tags.map((t) => ({ key: t.key, value: t.value }))
  if (v.aliases.length) wire.aliases = [...v.aliases]
  return wire
}

export function registeredModelToWire(m: RegisteredModel): WireRegisteredModel {
  const wire: WireRegisteredModel = {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
  }
  if (m.userId !== undefined) wire.user_id = m.userId
  // MLflow leaves an empty description out.
  if (m.description) wire.description = m.description
  if (m.latestVersions.length) wire.latest_versions = m.latestVersions.map(modelVersionToWire)
  if (m.tags.length) wire.tags = m.tags.map((t) => ({ key: t.key, value: t.value }))
  if (m.aliases.length) wire.aliases = m.aliases.map((a) => ({ alias: a.alias, version: a.version }))
  return wire
}

export function registryEventToWire(e: RegistryEvent): WireRegistryEvent {
  const wire: WireRegistryEvent = {
    event_id: e.eventId,
    timestamp: e.timestamp,
    entity_type: e.entityType,
    name: e.name,
    action: e.action,
  }
  if (e.userId !== undefined) wire.user_id = e.userId
  if (e.version !== undefined) wire.version = e.version
  if (e.key !== undefined) wire.key = e.key
  if (e.fromValue !== undefined) wire.from_value = e.fromValue
  if (e.toValue !== undefined) wire.to_value = e.toValue
  if (e.comment !== undefined) wire.comment = e.comment
  return wire
}
