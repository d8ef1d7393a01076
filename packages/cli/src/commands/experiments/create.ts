import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseTags, tagRecord } from '../../flag-values.ts'
import { printJson } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard experiments create --experiment-name NAME`, as `mlflow experiments create`. */
export const command = defineCommand({
  summary: 'Create an experiment and print its id',
  flags: {
    'experiment-name': { type: 'string', placeholder: 'name', description: 'Name of the new experiment', required: true },
    'artifact-location': {
      type: 'string',
      placeholder: 'uri',
      description: "Where its runs' artifacts go",
      default: "the store's default artifact root/<experiment id>",
    },
    tag: { type: 'string', placeholder: 'key=value', description: 'Experiment tag', multiple: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard experiments create --experiment-name churn --tag team=growth',
  async run({ flags }) {
    const name = flags['experiment-name']
    const tags = tagRecord(parseTags('tag', flags.tag))
    const artifactLocation = flags['artifact-location']
    const experimentId = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.createExperiment(name, { ...(artifactLocation ? { artifactLocation } : {}), tags }),
    )
    if (flags.json) printJson({ experiment_id: experimentId })
    else process.stdout.write(`Created experiment ${experimentId} '${name}'\n`)
  },
})
