// `@orchard/artifacts/paths`: the artifact path rules without the repositories, so a caller that
// only checks paths (the CLI's gc, before it knows whether S3 is involved) does not load the S3 SDK.
export { normalizeArtifactPath, resolveInside } from './resolve-inside.ts'
export { proxiedArtifactPath } from './proxied-path.ts'
