import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard experiments rename --experiment-id ID --new-name NAME`, as `mlflow experiments rename`. */
export const command = defineCommand({
  summary: 'Rename an experiment',
  flags: {
    'experiment-id': { type: 'string', placeholder: 'id', description: 'The experiment to rename', required: true },
    'new-name': { type: 'string', placeholder: 'name', description: 'Its new name', required: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard experiments rename --experiment-id 1 --new-name churn-v2',
  async run({ flags }) {
    const experimentId = flags['experiment-id']
    const newName = flags['new-name']
    await withTrackingClient(flags['tracking-uri'], (client) =>
      client.renameExperiment(experimentId, newName),
    )
    if (flags.json) printJson({})
    else process.stdout.write(`Renamed experiment ${experimentId} to '${newName}'\n`)
  },
})
