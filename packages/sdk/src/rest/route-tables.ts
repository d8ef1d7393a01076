/**
 * The protocol's route tables, loaded with the first request. Each route carries the zod schema the
 * server validates with; a client only reads paths and methods, and a process that never talks to a
 * server (the CLI on a local store, `orchard run`) should not pay for loading the schemas at start.
 */
let tables: Promise<typeof import('@orchard/protocol')> | undefined

export function routeTables(): Promise<typeof import('@orchard/protocol')> {
  tables ??= import('@orchard/protocol')
  return tables
}
