import type { ModelDownloader, ModelLogTarget } from '@orchard/models'
import type { RunArtifacts } from '../artifacts/run-artifacts.ts'
import { downloadArtifactPath } from '@orchard/artifacts'
import { resolveModelUri } from '../client/model-uri.ts'
import type { Transport } from '../rest/transport.ts'

/** Logging models: files through the client's artifact access, the MLmodel record through the transport. */
export function modelLogTarget(transport: Transport, artifacts: RunArtifacts): ModelLogTarget {
  return {
    async uploadModelFolder(runId, localDir, artifactPath) {
      await artifacts.logArtifacts(runId, localDir, artifactPath)
    },
    recordLoggedModel: (runId, modelJson) => transport.logModel(runId, modelJson),
  }
}

/**
 * Fetches what a model URI names: `runs:/` and `models:/` through their artifact location (the
 * run's artifacts, or the registered version's download URI), anything else as an artifact location.
 */
export function modelDownloader(transport: Transport, artifacts: RunArtifacts): ModelDownloader {
  return {
    async downloadModel(uri, localDir) {
      const artifactUri = /^(runs|models):/i.test(uri) ? (await resolveModelUri(transport, uri)).artifactUri : uri
      return (await downloadArtifactPath(artifacts.repositoryAt(artifactUri), '', localDir)).localPath
    },
  }
}
