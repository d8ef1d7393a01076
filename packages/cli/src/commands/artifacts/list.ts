import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson, renderTable } from '../../format.ts'
import { formatBytes } from '../../progress.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard artifacts list --run-id ID [--artifact-path P]`, as `mlflow artifacts list`. */
export const command = defineCommand({
  summary: "List one level of a run's artifacts, with sizes",
  flags: {
    'run-id': { type: 'string', placeholder: 'id', description: 'The run whose artifacts to list', required: true },
    'artifact-path': { type: 'string', placeholder: 'path', description: 'Folder to list', default: 'the root' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard artifacts list --run-id 5f3c2a… --artifact-path model',
  async run({ flags }) {
    const files = await withTrackingClient(flags['tracking-uri'], (client) => client.listArtifacts(flags['run-id'], flags['artifact-path']))
    if (flags.json) {
      printJson({ files: files.map((f) => (f.isDir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.fileSize ?? 0 })) })
      return
    }
    if (files.length === 0) {
      process.stdout.write(`No artifacts${flags['artifact-path'] ? ` under ${flags['artifact-path']}` : ''}.\n`)
      return
    }
    process.stdout.write(
      renderTable(
        [{ header: 'PATH' }, { header: 'SIZE' }],
        files.map((f) => [f.isDir ? `${f.path}/` : f.path, f.isDir ? '-' : formatBytes(f.fileSize ?? 0)]),
      ),
    )
  },
})
