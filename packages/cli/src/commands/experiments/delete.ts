import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard experiments delete --experiment-id ID`: a soft delete, as MLflow's. */
export const command = defineCommand({
  summary: "Mark an experiment and its runs deleted ('orchard gc' removes them for good)",
  flags: {
    'experiment-id': { type: 'string', placeholder: 'id', description: 'The experiment to delete', required: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard experiments delete --experiment-id 1',
  async run({ flags }) {
    const experimentId = flags['experiment-id']
    await withTrackingClient(flags['tracking-uri'], (client) => client.deleteExperiment(experimentId))
    if (flags.json) printJson({})
    else {
      process.stdout.write(
        `Deleted experiment ${experimentId}. Undo with 'orchard experiments restore --experiment-id ${experimentId}'.\n`,
      )
    }
  },
})
