import { invalidParameter } from '@orchard/protocol/base'

/** The run tag where MLflow keeps every model logged to a run, as a JSON list of MLmodel dicts. */
export const LOGGED_MODELS_TAG = 'mlflow.log-model.history'

/**
 * The `model_json` of runs/log-model, checked as MLflow's handler checks it. The server and the
 * embedded SDK share it so both refuse the same input with the same words.
 */
export function parseModelJson(modelJson: string): object {
  let model: unknown
  try {
    model = JSON.parse(modelJson)
  } catch (error) {
    throw invalidParameter(`Invalid value for parameter 'model_json': not JSON (${(error as Error).message}).`)
  }
  if (typeof model !== 'object' || model === null || Array.isArray(model)) {
    throw invalidParameter(`Invalid value for parameter 'model_json': expected a JSON object describing the model.`)
  }
  for (const field of ['artifact_path', 'flavors', 'utc_time_created', 'run_id']) {
    if (!(field in model)) throw invalidParameter(`Model json is missing mandatory field '${field}'.`)
  }
  return model
}

/** The new value of a run's `mlflow.log-model.history` tag with `model` appended. */
export function appendLoggedModel(previous: string | undefined, model: object): string {
  const history: unknown[] = previous ? (JSON.parse(previous) as unknown[]) : []
  history.push(model)
  return JSON.stringify(history)
}
