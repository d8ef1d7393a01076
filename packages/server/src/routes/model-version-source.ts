import { resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { copyRunArtifacts } from '@orchard/artifacts'
import { OrchardError, invalidParameter, isOrchardError } from '@orchard/protocol/base'
import { parseModelUri, validateModelVersionSource } from '@orchard/core'
import type { LoggedModel } from '@orchard/core'
import type { ServerContext } from '../server-context.ts'
import { registryOf } from './registry-context.ts'

// What model-versions/create checks of a source and where the version's files end up, as MLflow 3's
// handler (_create_model_version, _validate_source_run, _validate_source_model) and registry store
// do it: no stricter. A run or logged model named with the version need not be on this server (the
// registry may live apart from tracking), except to prove that a local path is theirs.

const SCHEME = /^[a-z][a-z0-9+.-]*:/i
const isLocal = (uri: string) => !SCHEME.test(uri) || /^file:/i.test(uri)
const localPath = (uri: string) => resolve(/^file:/i.test(uri) ? fileURLToPath(new URL(uri)) : uri)

/** The environment variable MLflow reads for an operator's own rule on sources. */
const SOURCE_PATTERN_VARIABLE = 'MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX'
const compiled = new Map<string, RegExp>()

function sourcePattern(): RegExp | undefined {
  const text = process.env[SOURCE_PATTERN_VARIABLE]
  if (!text) return undefined
  let pattern = compiled.get(text)
  if (!pattern) {
    try {
      pattern = new RegExp(text)
    } catch (error) {
      throw new OrchardError('INTERNAL_ERROR', `${SOURCE_PATTERN_VARIABLE} is not a valid regular expression.`, { cause: error })
    }
    compiled.set(text, pattern)
  }
  return pattern
}

const inside = (root: string, path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)

/**
 * A local path may only be registered from inside the artifact directory of the logged model
 * (model_id) or run (run_id) given with it, so a version cannot make the server serve arbitrary
 * files of its own disk.
 */
async function checkLocalSource(source: string, runId: string | undefined, modelId: string | undefined, context: ServerContext): Promise<void> {
  const owner = modelId ? 'model_id' : 'run_id'
  const ownerId = modelId || runId
  if (ownerId) {
    const artifactUri = modelId
      ? (await context.trackingStore.getLoggedModel(modelId)).artifactUri
      : (await context.trackingStore.getRun(ownerId)).info.artifactUri
    if (isLocal(artifactUri) && inside(localPath(artifactUri), localPath(source))) return
  }
  const what = modelId ? 'run specified by the model_id' : 'run specified by the run_id'
  throw invalidParameter(
    `Invalid model version source: '${source}'. To use a local path as a model version source, the ${owner} request parameter has to be specified and the local path has to be contained within the artifact directory of the ${what}.`,
  )
}

/** Every check MLflow makes of a source before the version is created. */
export async function checkModelVersionSource(
  request: { source: string; run_id?: string | undefined; model_id?: string | undefined },
  context: ServerContext,
): Promise<void> {
  const pattern = sourcePattern()
  if (pattern && !pattern.test(request.source)) throw invalidParameter(`Invalid model version source: '${request.source}'.`)
  if (isLocal(request.source)) {
    await checkLocalSource(request.source, request.run_id || undefined, request.model_id || undefined, context)
    return
  }
  validateModelVersionSource(request.source)
}

interface SourceOrigin {
  readonly storageLocation?: string
  readonly modelId?: string
  readonly runId?: string
}

const originOf = (model: LoggedModel): SourceOrigin => ({
  storageLocation: model.artifactUri,
  modelId: model.modelId,
  ...(model.sourceRunId ? { runId: model.sourceRunId } : {}),
})

/** The logged model, or undefined when this server's tracking store does not hold it. */
async function loggedModelIfHere(modelId: string, context: ServerContext): Promise<LoggedModel | undefined> {
  try {
    return await context.trackingStore.getLoggedModel(modelId)
  } catch (error) {
    if (isOrchardError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined
    throw error
  }
}

/**
 * MLflow 3 registers logged models with the source `models:/<model_id>`; a source may also name
 * another registered version. As MLflow's registry does, the version then records where the files
 * really are (its download URI) and takes the run from the logged model when none is given.
 */
async function resolveSource(source: string, modelId: string | undefined, context: ServerContext): Promise<SourceOrigin> {
  if (/^models:/i.test(source)) {
    const target = parseModelUri(source)
    if (target.kind === 'logged-model') return originOf(await context.trackingStore.getLoggedModel(target.modelId))
    const version = await registryOf(context).resolveModelUri(source)
    return { storageLocation: await registryOf(context).getModelVersionDownloadUri(version.name, version.version) }
  }
  if (!modelId) return {}
  const sourceRunId = (await loggedModelIfHere(modelId, context))?.sourceRunId
  return sourceRunId ? { runId: sourceRunId } : {}
}

/**
 * Where a new version's files are. Registrations from a run's artifacts are copied into the
 * registry's own folder (Orchard's copy on register); that copy is an addition MLflow does not make,
 * so when it cannot be made the version is registered as MLflow would register it, from its source.
 */
export async function modelVersionOrigin(
  request: { name: string; source: string; run_id?: string | undefined; model_id?: string | undefined },
  context: ServerContext,
): Promise<SourceOrigin> {
  const copy = await copyRunArtifacts(request.name, request.source, request.run_id || undefined, {
    getRunArtifactUri: async (id) => (await context.trackingStore.getRun(id)).info.artifactUri,
    defaultArtifactRoot: context.defaultArtifactRoot,
    artifactsDestination: context.artifactsDestination,
  }).catch(() => undefined)
  return copy ?? (await resolveSource(request.source, request.model_id || undefined, context))
}

/** The logged model's `mlflow.modelVersions` tag lists the versions registered from it (MLflow 3's set_model_versions_tags). */
export async function recordVersionOnLoggedModel(modelId: string, name: string, version: string, context: ServerContext): Promise<void> {
  const model = await loggedModelIfHere(modelId, context)
  if (!model) return
  const previous = model.tags.find((t) => t.key === MODEL_VERSIONS_TAG)?.value
  let versions: unknown[] = []
  try {
    const parsed: unknown = previous ? JSON.parse(previous) : []
    if (Array.isArray(parsed)) versions = parsed
  } catch {
    // A tag a user overwrote with other text is replaced, as MLflow's json.loads would fail on it.
  }
  const entry = { name, version: Number(version) }
  if (!versions.some((v) => JSON.stringify(v) === JSON.stringify(entry))) versions.push(entry)
  await context.trackingStore.setLoggedModelTags(modelId, [{ key: MODEL_VERSIONS_TAG, value: pythonJson(versions) }])
}

const MODEL_VERSIONS_TAG = 'mlflow.modelVersions'

/** JSON with Python's json.dumps separators (`, ` and `: `), so the tag reads as MLflow writes it. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${pythonJson(item)}`).join(', ')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
