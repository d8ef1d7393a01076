import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard runs restore --run-id ID`: undo a delete (before gc). */
export const command = defineCommand({
  summary: 'Restore a deleted run',
  flags: {
    'run-id': { type: 'string', placeholder: 'id', description: 'The run to restore', required: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard runs restore --run-id 5f3c2a…',
  async run({ flags }) {
    const runId = flags['run-id']
    await withTrackingClient(flags['tracking-uri'], (client) => client.restoreRun(runId))
    if (flags.json) printJson({})
    else process.stdout.write(`Restored run ${runId}\n`)
  },
})
