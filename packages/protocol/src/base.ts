// @orchard/protocol/base: the part of the contract that needs no schema library — error codes and
// their statuses, MLflow's limits, wire helpers, permission levels, the workspace header, the
// Prometheus text format and the routes' addresses. Stores, the SDK, the CLI and the web UI import it
// where loading the route tables' zod schemas would only slow a process's start or grow a bundle.
export * from './errors.ts'
export * from './limits.ts'
export * from './wire.ts'
export * from './prometheus.ts'
export * from './routes/permission.ts'
export * from './workspace-header.ts'
export * from './routes/addresses.ts'
