import { experimentToWire } from '@orchard/core'
import { notFound } from '@orchard/protocol/base'
import { defineCommand, UsageError } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { formatTime, printJson, renderFields, renderTable } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard experiments describe`: one experiment by id or by name. */
export const command = defineCommand({
  summary: 'Show one experiment, by id or by name',
  flags: {
    'experiment-id': { type: 'string', placeholder: 'id', description: 'The experiment to show' },
    'experiment-name': { type: 'string', placeholder: 'name', description: 'Or its name' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard experiments describe --experiment-name churn',
  async run({ flags }) {
    const id = flags['experiment-id']
    const name = flags['experiment-name']
    if ((id === undefined) === (name === undefined)) {
      throw new UsageError('give exactly one of --experiment-id and --experiment-name')
    }
    const experiment = await withTrackingClient(flags['tracking-uri'], async (client) => {
      if (id !== undefined) return client.getExperiment(id)
      const found = await client.getExperimentByName(name ?? '')
      if (!found) throw notFound(`Could not find experiment with name '${name}'`)
      return found
    })
    if (flags.json) {
      printJson({ experiment: experimentToWire(experiment) })
      return
    }
    process.stdout.write(
      renderFields([
        ['Experiment ID', experiment.experimentId],
        ['Name', experiment.name],
        ['Artifact location', experiment.artifactLocation],
        ['Lifecycle stage', experiment.lifecycleStage],
        ['Created', formatTime(experiment.creationTime)],
        ['Last updated', formatTime(experiment.lastUpdateTime)],
      ]),
    )
    if (experiment.tags.length) {
      process.stdout.write(
        `\nTags\n${renderTable(
          [{ header: 'KEY', maxWidth: 40 }, { header: 'VALUE', maxWidth: 80 }],
          experiment.tags.map((tag) => [tag.key, tag.value]),
        )}`,
      )
    }
  },
})
