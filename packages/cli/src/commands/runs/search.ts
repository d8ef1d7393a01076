import { runToWire } from '@orchard/core'
import { SEARCH_RUNS_DEFAULT_MAX_RESULTS, SEARCH_RUNS_MAX_RESULTS } from '@orchard/protocol/base'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseInteger, parseList, parseView } from '../../flag-values.ts'
import { formatDuration, formatTime, printJson, renderTable } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard runs search`: MLflow's runs/search, as a table or its JSON. */
export const command = defineCommand({
  summary: 'List runs of some experiments, optionally filtered and ordered',
  flags: {
    'experiment-ids': { type: 'string', placeholder: 'ids', description: 'Comma-separated experiment ids', default: '0' },
    filter: { type: 'string', placeholder: 'expr', description: "MLflow filter, e.g. \"metrics.rmse < 1 and params.lr = '0.1'\"" },
    'order-by': {
      type: 'string',
      placeholder: 'expr',
      description: "Sort key, e.g. 'metrics.rmse ASC'",
      multiple: true,
      default: 'start_time DESC',
    },
    'max-results': { type: 'string', placeholder: 'n', description: 'Page size', default: String(SEARCH_RUNS_DEFAULT_MAX_RESULTS) },
    view: { type: 'string', placeholder: 'active|deleted|all', description: 'Which lifecycle stages', default: 'active' },
    'page-token': { type: 'string', placeholder: 'token', description: 'Continue from a previous page' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: "orchard runs search --experiment-ids 1,2 --filter 'metrics.rmse < 1' --order-by 'metrics.rmse ASC'",
  async run({ flags }) {
    const experimentIds = parseList('experiment-ids', flags['experiment-ids'] ?? '0')
    const runViewType = parseView('view', flags.view ?? 'active')
    const maxResults = flags['max-results']
      ? parseInteger('max-results', flags['max-results'], { min: 1, max: SEARCH_RUNS_MAX_RESULTS })
      : SEARCH_RUNS_DEFAULT_MAX_RESULTS
    const page = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.searchRuns(experimentIds, {
        runViewType,
        maxResults,
        ...(flags.filter ? { filterString: flags.filter } : {}),
        ...(flags['order-by'] ? { orderBy: flags['order-by'] } : {}),
        ...(flags['page-token'] ? { pageToken: flags['page-token'] } : {}),
      }),
    )
    if (flags.json) {
      printJson({
        ...(page.items.length ? { runs: page.items.map(runToWire) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      })
      return
    }
    if (page.items.length === 0) {
      process.stdout.write('No runs found.\n')
      return
    }
    const showExperiment = experimentIds.length > 1
    const showStage = runViewType !== 'ACTIVE_ONLY'
    process.stdout.write(
      renderTable(
        [
          { header: 'RUN ID' },
          { header: 'NAME', maxWidth: 30 },
          ...(showExperiment ? [{ header: 'EXPERIMENT' }] : []),
          { header: 'STATUS' },
          ...(showStage ? [{ header: 'STAGE' }] : []),
          { header: 'STARTED' },
          { header: 'DURATION' },
        ],
        page.items.map(({ info }) => [
          info.runId,
          info.runName,
          ...(showExperiment ? [info.experimentId] : []),
          info.status,
          ...(showStage ? [info.lifecycleStage] : []),
          formatTime(info.startTime),
          formatDuration(info.startTime, info.endTime),
        ]),
      ),
    )
    if (page.nextPageToken) process.stderr.write(`More results: --page-token ${page.nextPageToken}\n`)
  },
})
