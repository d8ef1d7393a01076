import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { OrchardError } from '@orchard/protocol'
import { RestTransport } from '../rest/rest-transport.ts'
import type { Transport } from '../rest/transport.ts'

// Copying folders to and from an artifact location. A `mlflow-artifacts:` location reached over HTTP
// goes through the server's artifact proxy, as MLflow's client does; any other location (a folder,
// s3://…) is opened directly with @orchard/artifacts, loaded on first use so that tracking-only
// users never load the S3 client.

const joinPath = (...parts: string[]) => parts.filter(Boolean).join('/')

async function artifactsModule() {
  return import('@orchard/artifacts')
}

/** The path inside the server's artifacts destination, when `rootUri` is reached through the proxy. */
async function proxiedRoot(transport: Transport, rootUri: string): Promise<string | undefined> {
  if (!(transport instanceof RestTransport)) return undefined
  return (await artifactsModule()).proxiedArtifactPath(rootUri)
}

/** Copy every file under `localDir` to `<rootUri>/<artifactPath>/`. */
export async function uploadFolder(transport: Transport, rootUri: string, localDir: string, artifactPath: string): Promise<void> {
  const proxied = await proxiedRoot(transport, rootUri)
  if (proxied === undefined) {
    const { openArtifactRepository } = await artifactsModule()
    await openArtifactRepository(rootUri).logArtifacts(localDir, artifactPath)
    return
  }
  const rest = transport as RestTransport
  for (const entry of await readdir(localDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const file = join(entry.parentPath, entry.name)
    const path = relative(localDir, file).split(sep).join('/')
    await rest.uploadProxiedArtifact(joinPath(proxied, artifactPath, path), new Uint8Array(await readFile(file)))
  }
}

async function downloadProxied(rest: RestTransport, root: string, path: string, localDir: string): Promise<string> {
  const destination = join(localDir, ...path.split('/').filter(Boolean))
  const entries = await rest.listProxiedArtifacts(joinPath(root, path))
  if (entries.length === 0) {
    // An empty listing is either a file or nothing at all: reading it tells which.
    const bytes = await rest.downloadProxiedArtifact(joinPath(root, path)).catch((error: unknown) => {
      if ((error as OrchardError).code === 'RESOURCE_DOES_NOT_EXIST' || (error as OrchardError).code === 'ENDPOINT_NOT_FOUND') {
        throw new OrchardError('RESOURCE_DOES_NOT_EXIST', `No artifacts at '${path || '/'}'.`)
      }
      throw error
    })
    await mkdir(dirname(destination), { recursive: true })
    await writeFile(destination, bytes)
    return destination
  }
  await mkdir(destination, { recursive: true })
  for (const entry of entries) {
    const child = joinPath(path, entry.path.split('/').pop()!)
    if (entry.isDir) await downloadProxied(rest, root, child, localDir)
    else await writeFile(join(localDir, ...child.split('/')), await rest.downloadProxiedArtifact(joinPath(root, child)))
  }
  return destination
}

/** Copy the file or folder at `<rootUri>/<path>` into `localDir`; resolves to its local path. */
export async function downloadTree(transport: Transport, rootUri: string, path: string, localDir: string): Promise<string> {
  const proxied = await proxiedRoot(transport, rootUri)
  if (proxied === undefined) {
    const { openArtifactRepository } = await artifactsModule()
    return openArtifactRepository(rootUri).downloadArtifacts(path, localDir)
  }
  return downloadProxied(transport as RestTransport, proxied, path, localDir)
}
