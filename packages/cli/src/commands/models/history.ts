import { registryEventToWire } from '@orchard/core'
import type { RegistryEvent } from '@orchard/core'
import { REGISTRY_EVENTS_DEFAULT_MAX_RESULTS, REGISTRY_EVENTS_MAX_RESULTS } from '@orchard/protocol/base'
import { defineCommand, UsageError } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseInteger } from '../../flag-values.ts'
import { formatTime, printJson, renderTable } from '../../format.ts'
import { parseVersion } from '../../model-flags.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `version 3 TRANSITION_STAGE` or `model CREATE`, plus the tag key or alias the change is about. */
function what(event: RegistryEvent): string {
  const subject = event.version !== undefined ? `version ${event.version}` : 'model'
  return `${subject} ${event.action}${event.key !== undefined ? ` ${event.key}` : ''}`
}

const change = (event: RegistryEvent) =>
  event.fromValue === undefined && event.toValue === undefined ? '-' : `${event.fromValue ?? '-'} → ${event.toValue ?? '-'}`

/** `orchard models history`: Orchard's registry audit trail, newest first. */
export const command = defineCommand({
  summary: 'Show the audit trail of registry changes: when, who, what, from → to, and why',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'Only this model (also under its earlier names)' },
    version: { type: 'string', placeholder: 'n', description: 'Only this version (needs --name)' },
    'max-results': { type: 'string', placeholder: 'n', description: 'Page size', default: String(REGISTRY_EVENTS_DEFAULT_MAX_RESULTS) },
    'page-token': { type: 'string', placeholder: 'token', description: 'Continue from a previous page' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard models history --name fraud --version 3',
  async run({ flags }) {
    if (flags.version !== undefined && flags.name === undefined) throw new UsageError('--version needs --name')
    const version = flags.version !== undefined ? parseVersion('version', flags.version) : undefined
    const maxResults = flags['max-results']
      ? parseInteger('max-results', flags['max-results'], { min: 1, max: REGISTRY_EVENTS_MAX_RESULTS })
      : REGISTRY_EVENTS_DEFAULT_MAX_RESULTS
    const page = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.searchRegistryEvents({
        maxResults,
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(flags['page-token'] ? { pageToken: flags['page-token'] } : {}),
      }),
    )
    if (flags.json) {
      printJson({
        ...(page.items.length ? { events: page.items.map(registryEventToWire) } : {}),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      })
      return
    }
    if (page.items.length === 0) {
      process.stdout.write('No registry events found.\n')
      return
    }
    const showName = flags.name === undefined
    process.stdout.write(
      renderTable(
        [
          { header: 'WHEN' },
          { header: 'WHO' },
          ...(showName ? [{ header: 'MODEL' }] : []),
          { header: 'WHAT', maxWidth: 40 },
          { header: 'FROM → TO', maxWidth: 60 },
          { header: 'COMMENT', maxWidth: 60 },
        ],
        page.items.map((event) => [
          formatTime(event.timestamp),
          event.userId || '-',
          ...(showName ? [event.name] : []),
          what(event),
          change(event),
          event.comment || '-',
        ]),
      ),
    )
    if (page.nextPageToken) process.stderr.write(`More results: --page-token ${page.nextPageToken}\n`)
  },
})
