// @orchard/protocol/base: the part of the contract that needs no schema library — error codes and
// their statuses, MLflow's limits, wire helpers, permission levels, the workspace header and the
// Prometheus text format. Stores, the SDK and the CLI import it on paths where loading the route
// table's zod schemas would only slow a process's start.
export * from './errors.ts'
export * from './limits.ts'
export * from './wire.ts'
export * from './prometheus.ts'
export * from './routes/permission.ts'
export * from './workspace-header.ts'
export * from './routes/addresses.ts'
