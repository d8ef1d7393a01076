import type { WebhookEvent } from '@orchard/core'
import { webhookEventName } from '@orchard/core'

// What `POST /webhooks/{id}/test` sends: the example data of MLflow's payload classes
// (mlflow/webhooks/types.py), and one for each of Orchard's own events (stage transition, monitoring alert).
const EXAMPLES: Readonly<Record<string, Record<string, unknown>>> = {
  'registered_model.created': { name: 'example_model', tags: { example_key: 'example_value' }, description: 'An example registered model' },
  'model_version.created': {
    name: 'example_model',
    version: '1',
    source: 'models:/123',
    run_id: 'abcd1234abcd5678',
    tags: { example_key: 'example_value' },
    description: 'An example model version',
  },
  'model_version.stage_transitioned': { name: 'example_model', version: '1', from_stage: 'Staging', to_stage: 'Production' },
  'model_version.monitoring_alert': { name: 'example_model', version: '1', alert: { job: 'drift', share_drifted: 0.6, drifted_columns: ['trip_distance'] } },
  'model_version_tag.set': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
  'model_version_tag.deleted': { name: 'example_model', version: '1', key: 'example_key' },
  'model_version_alias.created': { name: 'example_model', alias: 'example_alias', version: '1' },
  'model_version_alias.deleted': { name: 'example_model', alias: 'example_alias' },
}

export const examplePayload = (event: WebhookEvent): Record<string, unknown> => EXAMPLES[webhookEventName(event)] ?? {}
