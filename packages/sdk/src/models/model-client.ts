import type { ModelDownloader, ModelLogTarget } from '@orchard/models'
import { OrchardError, invalidParameter } from '@orchard/protocol'
import type { Transport } from '../rest/transport.ts'
import { downloadTree, uploadFolder } from './artifact-transfer.ts'

/** `runs:/<run_id>/<path>` split into its run and artifact path (MLflow's RunsArtifactRepository.parse_runs_uri). */
export function parseRunsUri(uri: string): { runId: string; path: string } {
  const match = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(uri)
  if (!match) throw invalidParameter(`Invalid runs URI '${uri}': expected runs:/<run_id>/<artifact path>.`)
  return { runId: match[1]!, path: (match[2] ?? '').replace(/\/+$/, '') }
}

/** Logging and loading models through a tracking client's transport. */
export function modelLogTarget(transport: Transport): ModelLogTarget {
  return {
    async uploadModelFolder(runId, localDir, artifactPath) {
      const run = await transport.getRun(runId)
      await uploadFolder(transport, run.info.artifactUri, localDir, artifactPath)
    },
    recordLoggedModel: (runId, modelJson) => transport.logModel(runId, modelJson),
  }
}

/**
 * Fetches what a model URI names: `runs:/` through the run's artifact location, `models:/` through
 * `resolveRegistryUri` (the registry's download URI), anything else as an artifact location.
 */
export function modelDownloader(transport: Transport, resolveRegistryUri?: (uri: string) => Promise<string>): ModelDownloader {
  return {
    async downloadModel(uri, localDir) {
      if (uri.startsWith('runs:')) {
        const { runId, path } = parseRunsUri(uri)
        const run = await transport.getRun(runId)
        return downloadTree(transport, run.info.artifactUri, path, localDir)
      }
      if (uri.startsWith('models:')) {
        if (!resolveRegistryUri) throw new OrchardError('NOT_IMPLEMENTED', `Loading '${uri}' needs the model registry, which this client cannot reach.`)
        return downloadTree(transport, await resolveRegistryUri(uri), '', localDir)
      }
      return downloadTree(transport, uri, '', localDir)
    },
  }
}
