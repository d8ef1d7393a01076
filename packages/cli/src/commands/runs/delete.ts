import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard runs delete --run-id ID`: a soft delete, as MLflow's. */
export const command = defineCommand({
  summary: "Mark a run deleted ('orchard gc' removes it for good)",
  flags: {
    'run-id': { type: 'string', placeholder: 'id', description: 'The run to delete', required: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard runs delete --run-id 5f3c2a…',
  async run({ flags }) {
    const runId = flags['run-id']
    await withTrackingClient(flags['tracking-uri'], (client) => client.deleteRun(runId))
    if (flags.json) printJson({})
    else process.stdout.write(`Deleted run ${runId}. Undo with 'orchard runs restore --run-id ${runId}'.\n`)
  },
})
