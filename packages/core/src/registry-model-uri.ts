import { invalidParameter } from '@orchard/protocol/base'

/** What a `models:/` URI names (MLflow's _parse_model_uri). */
export type ModelUriTarget =
  | { readonly kind: 'version'; readonly name: string; readonly version: string }
  | { readonly kind: 'stage'; readonly name: string; readonly stage: string }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string }
  | { readonly kind: 'latest'; readonly name: string }
  /** `models:/<model_id>`: an MLflow 3 logged model, not a registry version. */
  | { readonly kind: 'logged-model'; readonly modelId: string }

const improper = (uri: string) =>
  invalidParameter(
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or the string 'latest' and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.`,
  )

/**
 * Parse `models:/<name>/<version>`, `models:/<name>/<stage>`, `models:/<name>/latest` and
 * `models:/<name>@<alias>` as MLflow does (the stage is not checked here; `latest` in any case).
 * @example parseModelUri('models:/fraud@champion') // { kind: 'alias', name: 'fraud', alias: 'champion' }
 */
export function parseModelUri(uri: string): ModelUriTarget {
  const match = /^models:(.*)$/i.exec(uri)
  if (!match) throw improper(uri)
  // Like urlparse: `models://host/path` has a network location, which is not part of the path.
  const path = (match[1] as string).startsWith('//') ? (match[1] as string).replace(/^\/\/[^/]*/, '') : (match[1] as string)
  if (!path.startsWith('/') || path.length <= 1) throw improper(uri)
  const parts = path.replace(/^\/+/, '').split('/')
  const [first, suffix] = parts as [string, string | undefined]
  if (parts.length > 2 || first.trim() === '') throw improper(uri)
  if (suffix !== undefined) {
    if (suffix.trim() === '') throw improper(uri)
    if (/^\d+$/.test(suffix)) return { kind: 'version', name: first, version: suffix }
    if (suffix.toLowerCase() === 'latest') return { kind: 'latest', name: first }
    return { kind: 'stage', name: first, stage: suffix }
  }
  const at = first.lastIndexOf('@')
  if (at >= 0) {
    const alias = first.slice(at + 1)
    if (alias.trim() === '') throw improper(uri)
    return { kind: 'alias', name: first.slice(0, at), alias }
  }
  return { kind: 'logged-model', modelId: first }
}
