import { readFileSync } from 'node:fs'

/**
 * The CLI package's version, read from its package.json. This module sits one folder below the
 * package in every form it runs in (src/, dist/ and the bundle/ the build makes), so one relative
 * address finds the manifest from all three.
 */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
}
