import { existsSync } from 'node:fs'
import type { TrackingStore } from '@orchard/store'
import { CommandError, defineCommand } from '../command.ts'
import { artifactsDestination, artifactsDestinationFlag, backendStoreUri, backendStoreUriFlag } from '../defaults.ts'
import { parseDuration, parseList } from '../flag-values.ts'
import { sqliteFile } from '../sqlite-file.ts'

const PAGE_SIZE = 1000

/** Artifact locations of the experiments gc may remove, read before they are gone from the database. */
async function experimentLocations(store: TrackingStore, experimentIds: readonly string[] | undefined) {
  const locations = new Map<string, string>()
  if (experimentIds) {
    for (const id of experimentIds) locations.set(id, (await store.getExperiment(id)).artifactLocation)
    return locations
  }
  let pageToken: string | undefined
  do {
    const page = await store.searchExperiments({
      viewType: 'DELETED_ONLY',
      maxResults: PAGE_SIZE,
      ...(pageToken ? { pageToken } : {}),
    })
    for (const experiment of page.items) locations.set(experiment.experimentId, experiment.artifactLocation)
    pageToken = page.nextPageToken
  } while (pageToken)
  return locations
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/** `orchard gc`: MLflow's `mlflow gc` — permanently remove deleted runs and experiments. */
export const command = defineCommand({
  summary: 'Permanently remove deleted runs and experiments, and their artifacts (local disk and S3)',
  description:
    'Only runs and experiments in the deleted state are touched. Afterwards a removed experiment\'s\n' +
    'name can be used again. Artifacts are deleted on local disk and on S3 (s3://, with the AWS\n' +
    'variables and MLFLOW_S3_ENDPOINT_URL), and only inside a folder named after the run; a removed\n' +
    'experiment\'s folder only if it is named after the experiment inside --artifacts-destination, or\n' +
    'is empty. Proxied (mlflow-artifacts:/) artifacts are found under --artifacts-destination, so\n' +
    'pass the server\'s. Anything else is reported and kept; a failed deletion exits 1.',
  flags: {
    'backend-store-uri': backendStoreUriFlag,
    'older-than': {
      type: 'string',
      placeholder: 'duration',
      description: 'Only what was deleted at least this long ago: 30d, 12h, 90m, 45s, 1d12h',
      default: 'any age',
    },
    'run-ids': {
      type: 'string',
      placeholder: 'ids',
      description: 'Only these deleted runs (comma-separated)',
      default: 'all deleted runs',
    },
    'experiment-ids': {
      type: 'string',
      placeholder: 'ids',
      description: 'Only these deleted experiments, with their runs (comma-separated)',
      default: 'all deleted experiments',
    },
    'artifacts-destination': artifactsDestinationFlag,
  },
  envPrefix: 'MLFLOW_',
  example: 'orchard gc --older-than 30d --backend-store-uri sqlite:///mlruns/orchard.db',
  async run({ flags }) {
    const olderThanMs = flags['older-than'] === undefined ? undefined : parseDuration('older-than', flags['older-than'])
    const runIds = flags['run-ids'] === undefined ? undefined : parseList('run-ids', flags['run-ids'])
    const experimentIds =
      flags['experiment-ids'] === undefined ? undefined : parseList('experiment-ids', flags['experiment-ids'])
    const destination = artifactsDestination(flags['artifacts-destination'])

    const uri = backendStoreUri(flags['backend-store-uri'])
    // Opening a missing SQLite file would create an empty database: say where we looked instead.
    const database = sqliteFile(uri)
    if (database && !existsSync(database)) {
      throw new CommandError(`no tracking database at ${database}; pass the server's --backend-store-uri`)
    }
    const { openTrackingStore } = await import('@orchard/store')
    const store = await openTrackingStore(uri)
    let removed
    let locations
    try {
      locations = await experimentLocations(store, experimentIds)
      removed = await store.garbageCollect({
        ...(olderThanMs !== undefined ? { olderThanMs } : {}),
        ...(runIds ? { runIds } : {}),
        ...(experimentIds ? { experimentIds } : {}),
      })
    } finally {
      await store.close()
    }

    // Loaded here, not at the top: `gc --help` and usage errors need no artifact code at all.
    const { describeOutcome, removeExperimentArtifacts, removeRunArtifacts } = await import('../gc-artifacts.ts')
    let failures = 0
    for (const run of removed.runs) {
      const outcome = await removeRunArtifacts(run.runId, run.artifactUri, destination)
      if (outcome.kind === 'failed') failures++
      process.stdout.write(`removed run ${run.runId}; artifacts: ${describeOutcome(outcome)}\n`)
    }
    for (const experimentId of removed.experimentIds) {
      const location = locations.get(experimentId)
      const outcome = location === undefined ? undefined : await removeExperimentArtifacts(experimentId, location, destination)
      if (outcome?.kind === 'failed') failures++
      process.stdout.write(`removed experiment ${experimentId}; artifacts: ${outcome ? describeOutcome(outcome) : 'unknown location, kept'}\n`)
    }
    const total = removed.runs.length + removed.experimentIds.length
    process.stdout.write(
      total === 0
        ? 'nothing to remove\n'
        : `removed ${plural(removed.runs.length, 'run')} and ${plural(removed.experimentIds.length, 'experiment')}\n`,
    )
    if (failures > 0) {
      // The database rows are gone, so a second gc will not retry: the lines above are the record.
      throw new CommandError(`${plural(failures, 'artifact location')} could not be deleted; see the 'not deleted' lines above`)
    }
  },
})
