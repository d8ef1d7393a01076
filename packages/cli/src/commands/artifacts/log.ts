import { stat } from 'node:fs/promises'
import { CommandError, UsageError, defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { ProgressBar, formatBytes } from '../../progress.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard artifacts log PATH --run-id ID`: MLflow's `artifacts log-artifact` and `log-artifacts` in one. */
export const command = defineCommand({
  summary: "Upload a local file or folder to a run's artifacts",
  description:
    "A file lands at <artifact-path>/<its name>; a folder's contents land under <artifact-path>, recursively. " +
    'Progress goes to stderr; files appear whole or not at all.',
  positionals: [{ name: 'path', description: 'The local file or folder to upload' }],
  flags: {
    'run-id': { type: 'string', placeholder: 'id', description: 'The run that gets the artifacts', required: true },
    'artifact-path': { type: 'string', placeholder: 'path', description: "Folder inside the run's artifacts", default: 'the root' },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard artifacts log ./model --run-id 5f3c2a… --artifact-path model',
  async run({ flags, positionals }) {
    const [localPath, ...extra] = positionals
    if (!localPath) throw new UsageError('Name the local file or folder to upload, e.g. `orchard artifacts log ./model --run-id …`.')
    if (extra.length) throw new UsageError(`Give one path to upload; got ${positionals.length}. Upload a folder to send several files.`)
    const info = await stat(localPath).catch(() => undefined)
    if (!info) throw new CommandError(`No such file or folder: ${localPath}`)
    const bar = new ProgressBar(`Uploading ${localPath}`, { unit: 'bytes' })
    const summary = await withTrackingClient(flags['tracking-uri'], (client) => {
      const options = { onProgress: (p: { bytes: number; totalBytes: number; files: number; totalFiles: number }) => bar.update({ done: p.bytes, total: p.totalBytes, detail: `${p.files}/${p.totalFiles} files` }) }
      return info.isDirectory()
        ? client.logArtifacts(flags['run-id'], localPath, flags['artifact-path'], options)
        : client.logArtifact(flags['run-id'], localPath, flags['artifact-path'], options)
    })
    bar.done(`Uploaded ${summary.files} file${summary.files === 1 ? '' : 's'} (${formatBytes(summary.bytes)}) in ${bar.elapsedSeconds().toFixed(1)}s, ${bar.rate(summary.bytes)}`)
  },
})
