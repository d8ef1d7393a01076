import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { invalidParameter } from '@orchard/protocol/base'
import { defaultArtifactRootOf, openStores } from '@orchard/store'
import { EmbeddedTransport } from './embedded-transport.ts'

/** Where an embedded tracking URI keeps its data. */
interface EmbeddedTarget {
  /** A backend store URI for openTrackingStore. */
  readonly storeUri: string
  /** A folder to create before opening (folder mode), if any. */
  readonly folder?: string
}

const DATABASE_FILE = 'orchard.db'

// A scheme is letters then `:`; one letter before `:` is a Windows drive (`C:\runs`), not a scheme.
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/

/**
 * Resolve a non-HTTP tracking URI: `sqlite:///file.db` and `postgresql://…` name a database; a folder
 * path or `file:` URI means `<folder>/orchard.db`. Artifacts go where the store puts them by default:
 * an `artifacts` folder next to a SQLite file (so `<folder>/artifacts`), else `./mlruns`.
 */
export function embeddedTarget(trackingUri: string, cwd: string = process.cwd()): EmbeddedTarget {
  const scheme = SCHEME.exec(trackingUri)?.[1]?.toLowerCase()
  if (scheme === undefined || scheme === 'file') {
    const folder = resolve(cwd, scheme === 'file' ? fileURLToPath(trackingUri) : trackingUri)
    return { storeUri: `sqlite:///${join(folder, DATABASE_FILE)}`, folder }
  }
  if (/^sqlite(\+\w+)?$/.test(scheme) || /^postgres(ql)?(\+\w+)?$/.test(scheme)) return { storeUri: trackingUri }
  throw invalidParameter(
    `Unsupported tracking URI '${trackingUri}'. Use http(s)://<server>, sqlite:///<file>, postgresql://<user>@<host>/<database> or a folder path.`,
  )
}

/** Open the tracking and registry stores a non-HTTP tracking URI names, as a Transport. */
export async function openEmbeddedTransport(trackingUri: string): Promise<EmbeddedTransport> {
  const target = embeddedTarget(trackingUri)
  if (target.folder) await mkdir(target.folder, { recursive: true })
  // One connection for both: the registry lives in the tracking database, as MLflow's default
  // registry URI is the tracking URI.
  const { trackingStore, registryStore } = await openStores(target.storeUri)
  return new EmbeddedTransport(trackingStore, registryStore, defaultArtifactRootOf(target.storeUri))
}
