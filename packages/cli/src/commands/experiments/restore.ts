import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard experiments restore --experiment-id ID`: undo a delete (before gc). */
export const command = defineCommand({
  summary: 'Restore a deleted experiment',
  flags: {
    'experiment-id': { type: 'string', placeholder: 'id', description: 'The experiment to restore', required: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard experiments restore --experiment-id 1',
  async run({ flags }) {
    const experimentId = flags['experiment-id']
    await withTrackingClient(flags['tracking-uri'], (client) => client.restoreExperiment(experimentId))
    if (flags.json) printJson({})
    else process.stdout.write(`Restored experiment ${experimentId}\n`)
  },
})
