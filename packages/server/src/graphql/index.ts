import type { Context, Hono } from 'hono'
import { GraphQLError, execute, parse, validate } from 'graphql'
import type { DocumentNode, ExecutionResult } from 'graphql'
import { MAX_JSON_BODY_BYTES, invalidParameter, isOrchardError, parseRequest, registryRoutes, trackingRoutes } from '@orchard/protocol'
import type { RouteDef } from '@orchard/protocol'
import type { Handler } from '../define-routes.ts'
import { parseJsonBody } from '../json-body.ts'
import { JsonText } from '../json-text.ts'
import type { ServerContext } from '../server-context.ts'
import { contextFor } from '../workspaces/workspace-scope.ts'
import { artifactListHandlers } from '../routes/artifacts.ts'
import { experimentHandlers } from '../routes/experiments.ts'
import { metricHandlers } from '../routes/metrics.ts'
import { modelVersionHandlers } from '../routes/registry-versions.ts'
import { runHandlers } from '../routes/runs.ts'
import { checkQueryLimits } from './query-limits.ts'
import { buildMlflowSchema } from './schema.ts'

// MLflow's /graphql (GET and POST): the queries its UI and clients send, answered by the same
// handlers as the REST routes, so validation, errors and data are the same. Like MLflow, the reply
// is always `{"data": …, "errors": [message, …] | null}`.

// A query this long in tokens is far beyond any the UI sends; parsing stops there.
const MAX_QUERY_TOKENS = 10_000

const schema = buildMlflowSchema()

type Wire = Record<string, unknown>

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity'])

/**
 * Wire JSON to the schema's field names. A metric's non-finite value becomes null, as MLflow's
 * MlflowMetricExtension does for NaN (GraphQL's Float has no NaN or Infinity).
 */
function toGraphql(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toGraphql)
  if (value === null || typeof value !== 'object') return value
  const out: Wire = {}
  for (const [key, item] of Object.entries(value)) out[camel(key)] = toGraphql(item)
  if ('timestamp' in out && typeof out.value === 'string' && NON_FINITE.has(out.value)) out.value = null
  return out
}

/** A GraphQL input to the REST request object: snake_case keys, nulls left out. */
function toRequest(input: unknown): Wire {
  const out: Wire = {}
  for (const [key, value] of Object.entries((input ?? {}) as Wire)) {
    if (value !== null && value !== undefined) out[snake(key)] = value
  }
  if (out.run_id === undefined && typeof out.run_uuid === 'string') out.run_id = out.run_uuid
  return out
}

interface Call {
  readonly context: ServerContext
  readonly logError: (error: unknown) => void
}

const NO_HEADERS = { header: () => undefined }

async function callHandler(call: Call, route: RouteDef, handler: Handler<RouteDef>, request: Wire): Promise<Wire> {
  try {
    const reply = await handler(parseRequest(route.request, request) as never, call.context, NO_HEADERS)
    return (reply instanceof JsonText ? JSON.parse(reply.text) : reply) as Wire
  } catch (error) {
    if (isOrchardError(error)) throw new GraphQLError(error.message, { extensions: { code: error.code } })
    call.logError(error)
    throw new GraphQLError('The server failed to handle this request; the details are in its log.')
  }
}

const handlerOf = (handler: unknown) => handler as Handler<RouteDef>

/** A run with MLflow's two extension fields, resolved only when the query asks for them. */
function withRunExtensions(call: Call, run: Wire): Wire {
  const info = run.info as Wire | undefined
  return {
    ...(toGraphql(run) as Wire),
    experiment: async () =>
      toGraphql(
        (await callHandler(call, trackingRoutes.getExperiment, handlerOf(experimentHandlers.getExperiment), { experiment_id: info?.experiment_id }))
          .experiment,
      ),
    modelVersions: async () => {
      if (!call.context.registryStore) return []
      const page = await callHandler(call, registryRoutes.searchModelVersions, handlerOf(modelVersionHandlers.searchModelVersions), {
        filter: `run_id='${String(info?.run_id)}'`,
      })
      return toGraphql(page.model_versions ?? [])
    },
  }
}

function rootResolvers(call: Call) {
  const searchRuns = async ({ input }: { input?: unknown }) => {
    const page = await callHandler(call, trackingRoutes.searchRuns, handlerOf(runHandlers.searchRuns), toRequest(input))
    return { ...(toGraphql({ next_page_token: page.next_page_token }) as Wire), runs: ((page.runs as Wire[] | undefined) ?? []).map((run) => withRunExtensions(call, run)) }
  }
  const simple = (route: RouteDef, handler: unknown) => async ({ input }: { input?: unknown }) =>
    toGraphql(await callHandler(call, route, handlerOf(handler), toRequest(input)))
  return {
    query: {
      mlflowGetExperiment: simple(trackingRoutes.getExperiment, experimentHandlers.getExperiment),
      mlflowGetMetricHistoryBulkInterval: simple(trackingRoutes.getMetricHistoryBulkInterval, metricHandlers.getMetricHistoryBulkInterval),
      mlflowGetRun: async ({ input }: { input?: unknown }) => {
        const reply = await callHandler(call, trackingRoutes.getRun, handlerOf(runHandlers.getRun), toRequest(input))
        return { run: withRunExtensions(call, reply.run as Wire) }
      },
      mlflowListArtifacts: simple(trackingRoutes.listArtifacts, artifactListHandlers.listArtifacts),
      mlflowSearchModelVersions: async ({ input }: { input?: unknown }) => {
        if (!call.context.registryStore) throw new GraphQLError('This server has no model registry store.')
        return simple(registryRoutes.searchModelVersions, modelVersionHandlers.searchModelVersions)({ input })
      },
      mlflowSearchRuns: searchRuns,
    },
    mutation: {
      mlflowSearchDatasets: simple(trackingRoutes.searchDatasets, experimentHandlers.searchDatasets),
      mlflowSearchRuns: searchRuns,
    },
  }
}

interface GraphqlRequest {
  readonly query: string
  readonly variables?: Record<string, unknown>
  readonly operationName?: string
}

function readRequest(raw: Wire): GraphqlRequest {
  if (typeof raw.query !== 'string' || raw.query.trim() === '') {
    throw invalidParameter("Missing value for required parameter 'query'. See the API docs for more information about request parameters.")
  }
  let variables = raw.variables
  if (typeof variables === 'string') variables = variables.trim() === '' ? undefined : parseJsonBody(variables)
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    throw invalidParameter("Invalid value for parameter 'variables' supplied: expected a JSON object.")
  }
  if (raw.operationName !== undefined && raw.operationName !== null && typeof raw.operationName !== 'string') {
    throw invalidParameter("Invalid value for parameter 'operationName' supplied: expected a string.")
  }
  return {
    query: raw.query,
    ...(variables ? { variables: variables as Record<string, unknown> } : {}),
    ...(typeof raw.operationName === 'string' ? { operationName: raw.operationName } : {}),
  }
}

const refusal = (message: string): ExecutionResult => ({ data: null, errors: [new GraphQLError(message)] })

async function run(request: GraphqlRequest, call: Call): Promise<ExecutionResult> {
  let document: DocumentNode
  try {
    document = parse(request.query, { maxTokens: MAX_QUERY_TOKENS })
  } catch (error) {
    return refusal((error as Error).message)
  }
  const refused = checkQueryLimits(document)
  if (refused) return refusal(refused)
  const invalid = validate(schema, document)
  if (invalid.length > 0) return { data: null, errors: invalid }
  const operation = document.definitions.find(
    (d) => d.kind === 'OperationDefinition' && (request.operationName === undefined || d.name?.value === request.operationName),
  )
  const resolvers = rootResolvers(call)
  const rootValue = operation && 'operation' in operation && operation.operation === 'mutation' ? resolvers.mutation : resolvers.query
  return execute({
    schema,
    document,
    rootValue,
    ...(request.variables ? { variableValues: request.variables } : {}),
    ...(request.operationName ? { operationName: request.operationName } : {}),
  })
}

/** `GET|POST /graphql`, as MLflow serves it (no /ajax-api twin). */
export function registerGraphql(app: Hono, context: ServerContext, logError: (error: unknown) => void): void {
  const reply = async (c: Context, request: GraphqlRequest) => {
    const result = await run(request, { context: await contextFor(c, context), logError })
    return { data: result.data ?? null, errors: result.errors?.length ? result.errors.map((e) => e.message) : null }
  }
  app.get('/graphql', async (c) => {
    const params = new URL(c.req.url).searchParams
    return c.json(await reply(c, readRequest(Object.fromEntries(params))))
  })
  app.post('/graphql', async (c) => {
    const declared = Number(c.req.header('content-length') ?? 0)
    if (declared > MAX_JSON_BODY_BYTES) throw invalidParameter(`Request body of ${declared} bytes exceeds the limit of ${MAX_JSON_BODY_BYTES} bytes.`)
    const text = await c.req.text()
    if (text.length > MAX_JSON_BODY_BYTES) throw invalidParameter(`Request body of ${text.length} bytes exceeds the limit of ${MAX_JSON_BODY_BYTES} bytes.`)
    // One operation per request: parseJsonBody refuses a JSON array of queries (batching).
    return c.json(await reply(c, readRequest(parseJsonBody(text))))
  })
}
