import { modelVersionToWire, registeredModelToWire } from '@orchard/core'
import type { ModelVersion } from '@orchard/core'
import { defineCommand, UsageError } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { formatTime, printJson, renderFields, renderTable } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

const section = (title: string, table: string) => `\n${title}\n${table}`
const tagTable = (tags: readonly { key: string; value: string }[]) =>
  renderTable([{ header: 'KEY', maxWidth: 40 }, { header: 'VALUE', maxWidth: 80 }], tags.map((t) => [t.key, t.value]))

function versionFields(version: ModelVersion, artifactUri: string): string {
  let text = renderFields([
    ['Name', version.name],
    ['Version', version.version],
    ['Stage', version.currentStage],
    ['Aliases', version.aliases.join(', ') || '-'],
    ['Status', version.status],
    ['Run ID', version.runId ?? '-'],
    ['Source', version.source],
    ['Artifact URI', artifactUri],
    ['Description', version.description || '-'],
    ['Created', formatTime(version.creationTimestamp)],
    ['Updated', formatTime(version.lastUpdatedTimestamp)],
  ])
  if (version.tags.length) text += section('Tags', tagTable(version.tags))
  return text
}

/** `orchard models describe`: a registered model by name, or the version a model URI names. */
export const command = defineCommand({
  summary: 'Show a registered model, or the version a models:/ or runs:/ URI resolves to',
  description:
    'URIs: models:/<name>/<version>, models:/<name>/<stage>, models:/<name>/latest, models:/<name>@<alias>, runs:/<run_id>/<path>.',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The registered model to show' },
    'model-uri': { type: 'string', placeholder: 'uri', description: 'Or a model URI to resolve' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard models describe --model-uri models:/fraud@champion',
  async run({ flags }) {
    const { name } = flags
    const uri = flags['model-uri']
    if ((name === undefined) === (uri === undefined)) throw new UsageError('give exactly one of --name and --model-uri')
    if (uri !== undefined) {
      const resolved = await withTrackingClient(flags['tracking-uri'], (client) => client.resolveModelUri(uri))
      const version = resolved.modelVersion
      if (flags.json) {
        printJson({ artifact_uri: resolved.artifactUri, ...(version ? { model_version: modelVersionToWire(version) } : { run_id: resolved.runId }) })
      } else if (version) {
        process.stdout.write(versionFields(version, resolved.artifactUri))
      } else {
        process.stdout.write(renderFields([['Run ID', resolved.runId ?? '-'], ['Artifact URI', resolved.artifactUri]]))
      }
      return
    }
    const model = await withTrackingClient(flags['tracking-uri'], (client) => client.getRegisteredModel(name ?? ''))
    if (flags.json) {
      printJson({ registered_model: registeredModelToWire(model) })
      return
    }
    let text = renderFields([
      ['Name', model.name],
      ['Description', model.description || '-'],
      ['Created', formatTime(model.creationTimestamp)],
      ['Updated', formatTime(model.lastUpdatedTimestamp)],
    ])
    if (model.latestVersions.length) {
      text += section(
        'Latest versions',
        renderTable(
          [{ header: 'STAGE' }, { header: 'VERSION' }, { header: 'RUN ID' }, { header: 'CREATED' }],
          model.latestVersions.map((v) => [v.currentStage, v.version, v.runId ?? '-', formatTime(v.creationTimestamp)]),
        ),
      )
    }
    if (model.aliases.length) {
      text += section('Aliases', renderTable([{ header: 'ALIAS' }, { header: 'VERSION' }], model.aliases.map((a) => [a.alias, a.version])))
    }
    if (model.tags.length) text += section('Tags', tagTable(model.tags))
    process.stdout.write(text)
  },
})
