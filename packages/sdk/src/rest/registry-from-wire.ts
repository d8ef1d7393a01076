import type { ModelVersion, ModelVersionStage, RegisteredModel, RegistryAction, RegistryEntityType, RegistryEvent } from '@orchard/core'
import type { WireKeyValue, WireModelVersion, WireRegisteredModel, WireRegistryEvent } from '@orchard/protocol'

// Registry wire → domain, the inverse of @orchard/core's registry mappers. Proto JSON leaves out
// empty lists and unset fields; int64 fields may arrive as strings.

const tagsFromWire = (tags: readonly WireKeyValue[] | undefined) => (tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }))

export function modelVersionFromWire(wire: WireModelVersion): ModelVersion {
  return {
    name: wire.name,
    version: String(wire.version),
    creationTimestamp: Number(wire.creation_timestamp ?? 0),
    lastUpdatedTimestamp: Number(wire.last_updated_timestamp ?? 0),
    currentStage: (wire.current_stage ?? 'None') as ModelVersionStage,
    source: wire.source ?? '',
    // An MLflow server may answer PENDING_REGISTRATION; registerModel waits on it.
    status: (wire.status ?? 'READY') as ModelVersion['status'],
    tags: tagsFromWire(wire.tags),
    aliases: wire.aliases ?? [],
    ...(wire.user_id !== undefined ? { userId: wire.user_id } : {}),
    ...(wire.description !== undefined ? { description: wire.description } : {}),
    ...(wire.run_id ? { runId: wire.run_id } : {}),
    ...(wire.run_link ? { runLink: wire.run_link } : {}),
    ...(wire.model_id ? { modelId: wire.model_id } : {}),
    ...(wire.status_message ? { statusMessage: wire.status_message } : {}),
  }
}

export function registeredModelFromWire(wire: WireRegisteredModel): RegisteredModel {
  return {
    name: wire.name,
    creationTimestamp: Number(wire.creation_timestamp ?? 0),
    lastUpdatedTimestamp: Number(wire.last_updated_timestamp ?? 0),
    latestVersions: (wire.latest_versions ?? []).map(modelVersionFromWire),
    tags: tagsFromWire(wire.tags),
    aliases: (wire.aliases ?? []).map((a) => ({ alias: a.alias, version: String(a.version) })),
    ...(wire.user_id !== undefined ? { userId: wire.user_id } : {}),
    ...(wire.description !== undefined ? { description: wire.description } : {}),
  }
}

export function registryEventFromWire(wire: WireRegistryEvent): RegistryEvent {
  return {
    eventId: String(wire.event_id),
    timestamp: Number(wire.timestamp),
    entityType: wire.entity_type as RegistryEntityType,
    name: wire.name,
    action: wire.action as RegistryAction,
    ...(wire.user_id !== undefined ? { userId: wire.user_id } : {}),
    ...(wire.version !== undefined ? { version: String(wire.version) } : {}),
    ...(wire.key !== undefined ? { key: wire.key } : {}),
    ...(wire.from_value !== undefined ? { fromValue: wire.from_value } : {}),
    ...(wire.to_value !== undefined ? { toValue: wire.to_value } : {}),
    ...(wire.comment !== undefined ? { comment: wire.comment } : {}),
  }
}
