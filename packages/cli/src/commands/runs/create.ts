import { runToWire } from '@orchard/core'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseTags, tagRecord } from '../../flag-values.ts'
import { printJson } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard runs create`: start a run (status RUNNING), e.g. for a shell script that logs through the API. */
export const command = defineCommand({
  summary: 'Create a run and print its id',
  flags: {
    'experiment-id': { type: 'string', placeholder: 'id', description: 'Experiment of the run', default: '0' },
    'run-name': { type: 'string', placeholder: 'name', description: 'Run name', default: 'a generated one' },
    tag: { type: 'string', placeholder: 'key=value', description: 'Run tag', multiple: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard runs create --experiment-id 1 --run-name baseline --tag stage=dev',
  async run({ flags }) {
    const tags = tagRecord(parseTags('tag', flags.tag))
    const runName = flags['run-name']
    const run = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.createRun(flags['experiment-id'] ?? '0', { ...(runName ? { runName } : {}), tags }),
    )
    if (flags.json) printJson({ run: runToWire(run) })
    else process.stdout.write(`Created run ${run.info.runId} '${run.info.runName}' in experiment ${run.info.experimentId}\n`)
  },
})
