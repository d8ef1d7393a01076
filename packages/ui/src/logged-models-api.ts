import { trackingRouteAddresses } from '@orchard/protocol/base'
import type { WireLoggedModel } from '@orchard/protocol'
import { callRoute } from './api.ts'

// MLflow 3 logged models over their protocol routes (the SDK's REST client has no methods for them
// yet), mapped to camelCase here.

export interface LoggedModelSummary {
  readonly modelId: string
  readonly name: string
  readonly experimentId: string
  readonly status: string
  readonly modelType: string | undefined
  readonly sourceRunId: string | undefined
  readonly creationTimestampMs: number
  readonly artifactUri: string
  /** The step the run logged it at (its runs/outputs link), when it did. */
  readonly step: number | undefined
  readonly metrics: readonly { readonly key: string; readonly value: number }[]
}

const toSummary = (model: WireLoggedModel, step: number | undefined): LoggedModelSummary => ({
  modelId: model.info.model_id,
  name: model.info.name,
  experimentId: model.info.experiment_id,
  status: model.info.status,
  modelType: model.info.model_type || undefined,
  sourceRunId: model.info.source_run_id || undefined,
  creationTimestampMs: Number(model.info.creation_timestamp_ms),
  artifactUri: model.info.artifact_uri,
  step,
  metrics: (model.data?.metrics ?? []).map((m) => ({ key: m.key, value: Number(m.value) })),
})

// A run of a few hundred checkpoints is the most MLflow's run page lists too.
const MAX_MODELS = 1000

/**
 * The logged models of a run: those it created (source_run_id) and those it logged as outputs
 * (runs/outputs, which may name models made elsewhere), newest first.
 */
export async function loggedModelsOfRun(run: { readonly info: { readonly runId: string; readonly experimentId: string }; readonly outputs: { readonly modelOutputs: readonly { readonly modelId: string; readonly step: number }[] } }): Promise<LoggedModelSummary[]> {
  const steps = new Map(run.outputs.modelOutputs.map((o) => [o.modelId, o.step]))
  const found = new Map<string, LoggedModelSummary>()
  let pageToken: string | undefined
  do {
    const reply = await callRoute(trackingRouteAddresses.searchLoggedModels, {
      experiment_ids: [run.info.experimentId],
      filter: `source_run_id = '${run.info.runId}'`,
      max_results: 100,
      page_token: pageToken,
    })
    for (const model of (reply.models as WireLoggedModel[] | undefined) ?? []) found.set(model.info.model_id, toSummary(model, steps.get(model.info.model_id)))
    pageToken = typeof reply.next_page_token === 'string' && reply.next_page_token ? reply.next_page_token : undefined
  } while (pageToken && found.size < MAX_MODELS)
  const elsewhere = [...steps.keys()].filter((id) => !found.has(id)).slice(0, MAX_MODELS)
  const fetched = await Promise.all(
    elsewhere.map((id) =>
      callRoute({ ...trackingRouteAddresses.getLoggedModel, path: trackingRouteAddresses.getLoggedModel.path.replace('{model_id}', encodeURIComponent(id)) }, {}).then(
        (reply) => toSummary(reply.model as WireLoggedModel, steps.get(id)),
        // An output may name a model this server does not hold (MLflow accepts any id): list it bare.
        (): LoggedModelSummary => ({ modelId: id, name: id, experimentId: run.info.experimentId, status: 'not found', modelType: undefined, sourceRunId: undefined, creationTimestampMs: NaN, artifactUri: '', step: steps.get(id), metrics: [] }),
      ),
    ),
  )
  for (const model of fetched) found.set(model.modelId, model)
  return [...found.values()].sort((a, b) => (b.creationTimestampMs || 0) - (a.creationTimestampMs || 0))
}
