// The workspace a request is in travels in a header. These names live apart from the workspace routes
// so that clients and stores can use them without loading the route table's schemas.

/** The header that selects a request's workspace; absent, `default`. */
export const WORKSPACE_HEADER = 'X-MLFLOW-WORKSPACE'
export const DEFAULT_WORKSPACE_NAME = 'default'
