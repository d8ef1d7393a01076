import type { ModelDownloader, ModelLogTarget } from '@orchard/models'
import { resolveModelUri } from '../client/model-uri.ts'
import type { Transport } from '../rest/transport.ts'
import { downloadTree, uploadFolder } from './artifact-transfer.ts'

/** Logging models through a tracking client's transport. */
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
 * Fetches what a model URI names: `runs:/` and `models:/` through their artifact location (the
 * run's artifacts, or the registered version's download URI), anything else as an artifact location.
 */
export function modelDownloader(transport: Transport): ModelDownloader {
  return {
    async downloadModel(uri, localDir) {
      const artifactUri = /^(runs|models):/i.test(uri) ? (await resolveModelUri(transport, uri)).artifactUri : uri
      return downloadTree(transport, artifactUri, '', localDir)
    },
  }
}
