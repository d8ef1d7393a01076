import { modelVersionToWire } from '@orchard/core'
import { SEARCH_MODEL_VERSIONS_MAX_RESULTS } from '@orchard/protocol/base'
import { defineCommand, UsageError } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseInteger } from '../../flag-values.ts'
import { formatTime, printJson, renderTable } from '../../format.ts'
import { nameFilter } from '../../model-flags.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** A screenful; MLflow's own client default (10,000) is for scripts. */
const DEFAULT_PAGE = 100

/** `orchard models versions`: MLflow's model-versions/search, as a table or its JSON. */
export const command = defineCommand({
  summary: "List a model's versions (or any versions a filter matches) with stage, aliases, run and source",
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'Versions of this registered model' },
    filter: { type: 'string', placeholder: 'expr', description: "MLflow filter, e.g. \"run_id = '…'\" (ANDed with --name)" },
    'order-by': {
      type: 'string',
      placeholder: 'expr',
      description: "Sort key, e.g. 'creation_timestamp DESC'",
      multiple: true,
      default: 'name ASC, version_number DESC',
    },
    'max-results': { type: 'string', placeholder: 'n', description: 'Page size', default: String(DEFAULT_PAGE) },
    'page-token': { type: 'string', placeholder: 'token', description: 'Continue from a previous page' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard models versions --name fraud',
  async run({ flags }) {
    if (flags.name === undefined && flags.filter === undefined) throw new UsageError('give --name, --filter or both')
    const filterString = [flags.name !== undefined ? nameFilter(flags.name) : undefined, flags.filter].filter(Boolean).join(' AND ')
    const maxResults = flags['max-results']
      ? parseInteger('max-results', flags['max-results'], { min: 1, max: SEARCH_MODEL_VERSIONS_MAX_RESULTS })
      : DEFAULT_PAGE
    const page = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.searchModelVersions({
        filterString,
        maxResults,
        orderBy: flags['order-by'] ?? ['name ASC', 'version_number DESC'],
        ...(flags['page-token'] ? { pageToken: flags['page-token'] } : {}),
      }),
    )
    if (flags.json) {
      printJson({
        ...(page.items.length ? { model_versions: page.items.map(modelVersionToWire) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      })
      return
    }
    if (page.items.length === 0) {
      process.stdout.write('No model versions found.\n')
      return
    }
    const showName = flags.name === undefined
    process.stdout.write(
      renderTable(
        [
          ...(showName ? [{ header: 'NAME' }] : []),
          { header: 'VERSION' },
          { header: 'STAGE' },
          { header: 'ALIASES', maxWidth: 30 },
          { header: 'RUN ID' },
          { header: 'CREATED' },
          { header: 'SOURCE', maxWidth: 60 },
        ],
        page.items.map((v) => [
          ...(showName ? [v.name] : []),
          v.version,
          v.currentStage,
          v.aliases.join(', ') || '-',
          v.runId ?? '-',
          formatTime(v.creationTimestamp),
          v.source,
        ]),
      ),
    )
    if (page.nextPageToken) process.stderr.write(`More results: --page-token ${page.nextPageToken}\n`)
  },
})
