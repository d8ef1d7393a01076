import { registeredModelToWire } from '@orchard/core'
import { SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS, SEARCH_REGISTERED_MODELS_MAX_RESULTS } from '@orchard/protocol/base'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseInteger } from '../../flag-values.ts'
import { formatTime, printJson, renderTable } from '../../format.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard models list`: MLflow's registered-models/search, as a table or its JSON. */
export const command = defineCommand({
  summary: 'List registered models with their latest version per stage and their aliases',
  flags: {
    filter: { type: 'string', placeholder: 'expr', description: "MLflow filter, e.g. \"name LIKE 'fraud%'\" or \"tags.team = 'risk'\"" },
    'order-by': { type: 'string', placeholder: 'expr', description: "Sort key, e.g. 'name ASC'", multiple: true, default: 'name ASC' },
    'max-results': {
      type: 'string',
      placeholder: 'n',
      description: 'Page size',
      default: String(SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS),
    },
    'page-token': { type: 'string', placeholder: 'token', description: 'Continue from a previous page' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: "orchard models list --filter \"name LIKE 'fraud%'\"",
  async run({ flags }) {
    const maxResults = flags['max-results']
      ? parseInteger('max-results', flags['max-results'], { min: 1, max: SEARCH_REGISTERED_MODELS_MAX_RESULTS })
      : SEARCH_REGISTERED_MODELS_DEFAULT_MAX_RESULTS
    const page = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.searchRegisteredModels({
        maxResults,
        ...(flags.filter ? { filterString: flags.filter } : {}),
        orderBy: flags['order-by'] ?? ['name ASC'],
        ...(flags['page-token'] ? { pageToken: flags['page-token'] } : {}),
      }),
    )
    if (flags.json) {
      printJson({
        ...(page.items.length ? { registered_models: page.items.map(registeredModelToWire) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      })
      return
    }
    if (page.items.length === 0) {
      process.stdout.write('No registered models found.\n')
      return
    }
    process.stdout.write(
      renderTable(
        [{ header: 'NAME' }, { header: 'LATEST VERSIONS', maxWidth: 50 }, { header: 'ALIASES', maxWidth: 40 }, { header: 'UPDATED' }],
        page.items.map((model) => [
          model.name,
          model.latestVersions.map((v) => `${v.version} (${v.currentStage})`).join(', ') || '-',
          model.aliases.map((a) => `${a.alias}→${a.version}`).join(', ') || '-',
          formatTime(model.lastUpdatedTimestamp),
        ]),
      ),
    )
    if (page.nextPageToken) process.stderr.write(`More results: --page-token ${page.nextPageToken}\n`)
  },
})
