import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { ProgressBar, formatBytes } from '../../progress.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard artifacts download --run-id ID [--artifact-path P] [--dst-path D]`, as `mlflow artifacts download`. */
export const command = defineCommand({
  summary: "Download a run's artifact file or folder",
  description: 'Prints the local path of what was downloaded on stdout; progress goes to stderr.',
  flags: {
    'run-id': { type: 'string', placeholder: 'id', description: 'The run whose artifacts to download', required: true },
    'artifact-path': { type: 'string', placeholder: 'path', description: 'File or folder to download', default: 'all artifacts' },
    'dst-path': { type: 'string', placeholder: 'dir', description: 'Local folder to download into', default: 'a new temporary folder' },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard artifacts download --run-id 5f3c2a… --artifact-path model --dst-path ./downloaded',
  async run({ flags }) {
    const bar = new ProgressBar(`Downloading ${flags['artifact-path'] || 'artifacts'}`, { unit: 'bytes' })
    let moved = { bytes: 0, files: 0 }
    const localPath = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.downloadArtifacts(flags['run-id'], flags['artifact-path'], flags['dst-path'], {
        onProgress: (p) => {
          moved = { bytes: p.bytes, files: p.files }
          bar.update({ done: p.bytes, total: p.totalBytes, detail: `${p.files}/${p.totalFiles} files` })
        },
      }),
    )
    bar.done(`Downloaded ${moved.files} file${moved.files === 1 ? '' : 's'} (${formatBytes(moved.bytes)}) in ${bar.elapsedSeconds().toFixed(1)}s`)
    process.stdout.write(`${localPath}\n`)
  },
})
