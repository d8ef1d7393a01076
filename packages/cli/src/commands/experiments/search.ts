import { SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS, SEARCH_EXPERIMENTS_MAX_RESULTS } from '@orchard/protocol/base'
import { experimentToWire } from '@orchard/core'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseInteger, parseView } from '../../flag-values.ts'
import { formatTime, printJson, renderTable } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard experiments search`: MLflow's experiments/search, as a table or its JSON. */
export const command = defineCommand({
  summary: 'List experiments, optionally filtered and ordered',
  flags: {
    view: { type: 'string', placeholder: 'active|deleted|all', description: 'Which lifecycle stages', default: 'active' },
    filter: { type: 'string', placeholder: 'expr', description: "MLflow filter, e.g. \"name LIKE 'churn%'\"" },
    'order-by': {
      type: 'string',
      placeholder: 'expr',
      description: "Sort key, e.g. 'name ASC' or 'creation_time DESC'",
      multiple: true,
      default: 'creation_time DESC',
    },
    'max-results': {
      type: 'string',
      placeholder: 'n',
      description: 'Page size',
      default: String(SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS),
    },
    'page-token': { type: 'string', placeholder: 'token', description: 'Continue from a previous page' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: "orchard experiments search --filter \"name LIKE 'churn%'\" --order-by 'name ASC'",
  async run({ flags }) {
    const viewType = parseView('view', flags.view ?? 'active')
    const maxResults = flags['max-results']
      ? parseInteger('max-results', flags['max-results'], { min: 1, max: SEARCH_EXPERIMENTS_MAX_RESULTS })
      : SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS
    const page = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.searchExperiments({
        viewType,
        maxResults,
        ...(flags.filter ? { filterString: flags.filter } : {}),
        ...(flags['order-by'] ? { orderBy: flags['order-by'] } : {}),
        ...(flags['page-token'] ? { pageToken: flags['page-token'] } : {}),
      }),
    )
    if (flags.json) {
      printJson({
        ...(page.items.length ? { experiments: page.items.map(experimentToWire) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      })
      return
    }
    if (page.items.length === 0) {
      process.stdout.write('No experiments found.\n')
      return
    }
    const showStage = viewType !== 'ACTIVE_ONLY'
    process.stdout.write(
      renderTable(
        [
          { header: 'ID' },
          { header: 'NAME', maxWidth: 40 },
          ...(showStage ? [{ header: 'STAGE' }] : []),
          { header: 'ARTIFACT LOCATION', maxWidth: 50 },
          { header: 'CREATED' },
        ],
        page.items.map((e) => [
          e.experimentId,
          e.name,
          ...(showStage ? [e.lifecycleStage] : []),
          e.artifactLocation,
          formatTime(e.creationTime),
        ]),
      ),
    )
    if (page.nextPageToken) process.stderr.write(`More results: --page-token ${page.nextPageToken}\n`)
  },
})
