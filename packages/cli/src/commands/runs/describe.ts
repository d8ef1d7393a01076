import { runToWire } from '@orchard/core'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { formatDuration, formatTime, printJson, renderFields, renderTable } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

const section = (title: string, table: string) => `\n${title}\n${table}`

/** `orchard runs describe --run-id ID`, as `mlflow runs describe`. */
export const command = defineCommand({
  summary: "Show one run: its info, params, metrics' latest values, tags and datasets",
  flags: {
    'run-id': { type: 'string', placeholder: 'id', description: 'The run to show', required: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard runs describe --run-id 5f3c2a… --json',
  async run({ flags }) {
    const runId = flags['run-id']
    const run = await withTrackingClient(flags['tracking-uri'], (client) => client.getRun(runId))
    if (flags.json) {
      printJson({ run: runToWire(run) })
      return
    }
    const { info, data, inputs } = run
    let text = renderFields([
      ['Run ID', info.runId],
      ['Name', info.runName],
      ['Experiment ID', info.experimentId],
      ['Status', info.status],
      ['Lifecycle stage', info.lifecycleStage],
      ['User', info.userId || '-'],
      ['Started', formatTime(info.startTime)],
      ['Ended', formatTime(info.endTime)],
      ['Duration', formatDuration(info.startTime, info.endTime)],
      ['Artifact URI', info.artifactUri],
    ])
    if (data.params.length) {
      text += section(
        'Params',
        renderTable([{ header: 'KEY', maxWidth: 40 }, { header: 'VALUE', maxWidth: 80 }], data.params.map((p) => [p.key, p.value])),
      )
    }
    if (data.metrics.length) {
      text += section(
        'Metrics',
        renderTable(
          [{ header: 'KEY', maxWidth: 40 }, { header: 'VALUE' }, { header: 'STEP' }, { header: 'TIME' }],
          data.metrics.map((m) => [m.key, String(m.value), String(m.step), formatTime(m.timestamp)]),
        ),
      )
    }
    if (data.tags.length) {
      text += section(
        'Tags',
        renderTable([{ header: 'KEY', maxWidth: 40 }, { header: 'VALUE', maxWidth: 80 }], data.tags.map((t) => [t.key, t.value])),
      )
    }
    if (inputs.datasetInputs.length) {
      text += section(
        'Datasets',
        renderTable(
          [{ header: 'NAME', maxWidth: 40 }, { header: 'DIGEST' }, { header: 'SOURCE', maxWidth: 60 }],
          inputs.datasetInputs.map(({ dataset }) => [dataset.name, dataset.digest, dataset.source]),
        ),
      )
    }
    process.stdout.write(text)
  },
})
