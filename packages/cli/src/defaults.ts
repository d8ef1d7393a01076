import { join, resolve } from 'node:path'
import type { FlagSpec } from './command.ts'

// Defaults follow `mlflow server`: everything lives in ./mlruns of the directory the command runs in.
// They are absolute so that a server started from one directory and a gc run from another (with the
// same flags) agree on where things are.

const defaultBackendStoreUri = () => `sqlite:///${join(process.cwd(), 'mlruns', 'orchard.db')}`
const defaultArtifactsDestination = () => join(process.cwd(), 'mlruns', 'artifacts')

export function backendStoreUri(flag: string | undefined): string {
  return flag ?? (process.env.MLFLOW_BACKEND_STORE_URI || defaultBackendStoreUri())
}

/** The flag's folder made absolute, or its URI (`s3://bucket/prefix`, `file:…`) as given. */
export function artifactsDestination(flag: string | undefined): string {
  if (flag === undefined) return defaultArtifactsDestination()
  return /^[a-zA-Z][\w+.-]+:/.test(flag) ? flag : resolve(flag)
}

export const backendStoreUriFlag = {
  type: 'string',
  placeholder: 'uri',
  description: 'Tracking database: sqlite:///<path> or postgresql://…',
  default: () => process.env.MLFLOW_BACKEND_STORE_URI || defaultBackendStoreUri(),
} as const satisfies FlagSpec

export const artifactsDestinationFlag = {
  type: 'string',
  placeholder: 'uri',
  description: "Where proxied artifacts live ('mlflow-artifacts:/' URIs): a local folder or s3://bucket/prefix",
  default: defaultArtifactsDestination,
} as const satisfies FlagSpec

/** Resolved by the SDK (MLflow's rule): the flag, else MLFLOW_TRACKING_URI, else ./mlruns. */
export const trackingUriFlag = {
  type: 'string',
  placeholder: 'uri',
  description: 'http(s)://server, sqlite:///<path>, postgresql://… or a folder; env MLFLOW_TRACKING_URI',
  default: () => process.env.MLFLOW_TRACKING_URI || './mlruns',
} as const satisfies FlagSpec

export const jsonFlag = {
  type: 'boolean',
  description: "Print the REST API's JSON (snake_case, as MLflow answers) instead of a table",
  default: 'false',
} as const satisfies FlagSpec
