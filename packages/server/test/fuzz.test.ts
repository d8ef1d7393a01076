// Property-based fuzzing of the whole app on SQLite: requests generated over the protocol's route
// table (fields it declares plus stray ones, values of every JSON type and hostile strings), search
// filters built from the grammar's pieces and garbage, raw bodies, and artifact paths. The property:
// no answer is a 5xx, every refusal is MLflow's error JSON, and no request hangs. Bounded in time;
// FUZZ_SECONDS (per property) and FUZZ_SEED reproduce or widen a run.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { mlflowArtifactRoutes, registryRoutes, trackingRoutes, webhookRoutes } from '@orchard/protocol'
import type { RouteDef } from '@orchard/protocol'
import { openHostileApp } from './hostile-harness.ts'
import type { HostileApp, RawReply } from './hostile-harness.ts'

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 8)
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)
// Far beyond any request of a healthy server on this data, well inside the test's own timeout.
const HANG_MS = 15_000

interface Sent {
  readonly method: string
  readonly url: string
  readonly body?: string
}

const ROUTES: readonly RouteDef[] = [
  ...Object.values(trackingRoutes),
  ...Object.values(registryRoutes),
  ...Object.values(webhookRoutes),
  ...Object.values(mlflowArtifactRoutes),
] as RouteDef[]

/** Known ids so that some requests get past "not found" into the deeper code. */
const known = { experimentId: '0', runId: '', modelName: 'fuzzed-model', modelId: '' }

// Strings that have broken servers: NUL, lone surrogates, path tricks, SQL and JS keywords, huge.
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '..',
    '../../etc/passwd',
    '%2e%2e%2f',
    '/etc',
    'C:\\x',
    'constructor',
    '__proto__',
    'toString',
    "' OR 1=1 --",
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '99999999999999999999',
    '-1',
    '0',
    'true',
    'null',
    'x'.repeat(300),
    'é'.repeat(200),
  ),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'y'.repeat(n)),
  fc.constant(() => known.runId).map((f) => f()),
  fc.constant(() => known.modelName).map((f) => f()),
)

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 2 ** 53, 2 ** 63, -(2 ** 63), 1e30, -1e30, Number.MAX_VALUE, 1.5),
)

const leaf: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null))
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value

function fieldsOf(def: RouteDef): string[] {
  const shape = (def.request as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape) : []
}

/** A request object: some of the route's own fields (as lists too), sometimes a stray key. */
const requestFor = (def: RouteDef) =>
  fc.record({
    own: fc.subarray(fieldsOf(def)).chain((keys) => fc.tuple(...keys.map((key) => fc.tuple(fc.constant(key), value)))),
    stray: fc.option(fc.tuple(hostileString, value)),
  })

// Generated objects may have no prototype (String() throws on them); JSON text stands in for them.
const text = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))

// A lone surrogate has no UTF-8 form, so no URL can carry it (encodeURIComponent throws on it);
// it goes as U+FFFD, which is what a client would have to send.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function fillPath(path: string, values: Record<string, unknown>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(text(Object.hasOwn(values, name) ? values[name] : 'x').replace(LONE_SURROGATE, '\uFFFD')),
  )
}

function queryOf(entries: readonly (readonly [string, unknown])[]): string {
  const query = new URLSearchParams()
  for (const [key, item] of entries) {
    for (const one of Array.isArray(item) ? item : [item]) query.append(key, text(one))
  }
  return query.toString()
}

const routeRequest: fc.Arbitrary<Sent> = fc
  .constantFrom(...ROUTES)
  .chain((def) => fc.tuple(fc.constant(def), fc.constantFrom(...def.methods), requestFor(def), fc.boolean()))
  .map(([def, method, request, ajax]) => {
    const entries = [...request.own, ...(request.stray ? [request.stray] : [])] as [string, unknown][]
    const object = Object.fromEntries(entries)
    const prefix = def.ajaxOnly || ajax ? '/ajax-api' : '/api'
    const path = `${prefix}/${def.version ?? '2.0'}${fillPath(def.path, object)}`
    return method === 'GET' ? { method, url: `${path}?${queryOf(entries)}` } : { method, url: path, body: JSON.stringify(object) }
  })

// Filters: grammar pieces in any order, so most are almost-valid and some are valid.
const filterPiece = fc.oneof(
  fc.constantFrom('metrics.', 'params.', 'tags.', 'attributes.', 'attribute.', 'dataset.', 'datasets.', 'run.', ''),
  fc.constantFrom('m', 'p', '`a b`', '"q"', 'start_time', 'run_id', 'name', 'version_number', 'constructor', '__proto__', 'status', 'digest'),
  fc.constantFrom(' = ', ' != ', ' < ', ' >= ', ' LIKE ', ' ILIKE ', ' IN ', ' NOT IN ', ' AND ', ' OR ', ' and ', '(', ')', ', '),
  fc.constantFrom("'x'", "'%a_'", '1', '-1.5e3', '99999999999999999999', 'NaN', "('a', 'b')", '()', "'", '"', '\\', '\u0000'),
  hostileString,
)
const filterText = fc.oneof(
  fc.array(filterPiece, { maxLength: 25 }).map((parts) => parts.join('')),
  fc.integer({ min: 95, max: 130 }).map((n) => Array.from({ length: n }, (_, i) => `metrics.m${i} > ${i}`).join(' AND ')),
  fc.integer({ min: 1, max: 80 }).map((n) => `${'('.repeat(n)}metrics.m > 1${')'.repeat(n)}`),
)
const searchRequest: fc.Arbitrary<Sent> = fc
  .tuple(filterText, fc.array(fc.oneof(filterPiece, hostileString), { maxLength: 25 }), fc.integer({ min: 0, max: 5 }))
  .map(([filter, orderBy, which]) => {
    const body = { filter, order_by: orderBy, experiment_ids: ['0'] }
    const query = queryOf([
      ['filter', filter],
      ['order_by', orderBy],
      ['experiment_ids', '0'],
    ])
    switch (which) {
      case 0:
        return { method: 'POST', url: '/api/2.0/mlflow/runs/search', body: JSON.stringify(body) }
      case 1:
        return { method: 'POST', url: '/api/2.0/mlflow/experiments/search', body: JSON.stringify({ filter, order_by: orderBy }) }
      case 2:
        return { method: 'GET', url: `/api/2.0/mlflow/registered-models/search?${query}` }
      case 3:
        return { method: 'GET', url: `/api/2.0/mlflow/model-versions/search?${query}` }
      case 4:
        return { method: 'POST', url: '/api/2.0/mlflow/logged-models/search', body: JSON.stringify({ ...body, order_by: [] }) }
      default:
        return { method: 'GET', url: `/api/2.0/mlflow/experiments/search?${query}` }
    }
  })

// Raw bodies: JSON-like token soup, deep nesting, bare non-finite numbers, double encoding.
const rawBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom('{', '}', '[', ']', '"a"', ':', ',', 'NaN', '-Infinity', 'Infinity', '1', 'null', '"', '\\', '"\\u0000"'), { maxLength: 60 }).map((t) => t.join('')),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `{"a":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  value.map((v) => JSON.stringify(JSON.stringify(v))),
)
const bodyRequest: fc.Arbitrary<Sent> = fc
  .tuple(fc.constantFrom(...ROUTES.filter((def) => !def.methods.every((m) => m === 'GET'))), rawBody)
  .map(([def, body]) => ({
    method: def.methods.find((m) => m !== 'GET') ?? 'POST',
    url: `/api/${def.version ?? '2.0'}${fillPath(def.path, {})}`,
    body,
  }))

// Artifact paths, through every artifact endpoint.
const pathSegment = fc.oneof(
  fc.constantFrom('..', '.', '', '%2e%2e', '%252e%252e', '%00', 'a%2fb', '\\..', 'x'.repeat(256), 'é'.repeat(130), '~', 'con', '%', '%zz'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
)
const artifactRequest: fc.Arbitrary<Sent> = fc
  .tuple(fc.array(pathSegment, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 5 }))
  .map(([segments, which]) => {
    const path = segments.join('/')
    const runPath = () => `run_id=${known.runId}&path=${path}`
    switch (which) {
      case 0:
        return { method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts/${path}` }
      case 1:
        return { method: 'PUT', url: `/api/2.0/mlflow-artifacts/artifacts/${path}`, body: 'bytes' }
      case 2:
        return { method: 'DELETE', url: `/api/2.0/mlflow-artifacts/artifacts/${path}` }
      case 3:
        return { method: 'GET', url: `/api/2.0/mlflow-artifacts/artifacts?path=${path}` }
      case 4:
        return { method: 'GET', url: `/get-artifact?${runPath()}` }
      default:
        return { method: 'POST', url: `/ajax-api/2.0/mlflow/upload-artifact?${runPath()}`, body: 'bytes' }
    }
  })

describe('fuzzing the app on SQLite (no 5xx, no hang, refusals in MLflow JSON)', () => {
  let h: HostileApp

  before(async () => {
    h = await openHostileApp('sqlite')
    const run = await h.send('POST', 'runs/create', { experiment_id: '0' })
    known.runId = run.json.run.info.run_id
    await h.send('POST', 'runs/log-batch', {
      run_id: known.runId,
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
      params: [{ key: 'p', value: 'v' }],
      tags: [{ key: 't', value: 'v' }],
    })
    await h.send('POST', 'registered-models/create', { name: known.modelName })
    await h.send('POST', 'model-versions/create', { name: known.modelName, source: `runs:/${known.runId}/model`, run_id: known.runId })
    await h.send('PUT', `/api/2.0/mlflow-artifacts/artifacts/0/${known.runId}/artifacts/file.txt`, 'content')
  })
  after(async () => {
    await settle()
    await h.close()
  })

  // fast-check's time limit abandons the property run in flight when it expires, and that request
  // goes on (an upload may still be writing). The next property, and closing the store and removing
  // its folder, wait for it.
  const inFlight = new Set<Promise<unknown>>()
  async function settle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<void>((done) => (timer = setTimeout(done, HANG_MS)))
    await Promise.race([Promise.allSettled([...inFlight]), limit])
    clearTimeout(timer)
  }

  async function check(sent: Sent): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS)
    })
    const sending = h.send(sent.method, sent.url, sent.body)
    inFlight.add(sending)
    void sending.then(
      () => inFlight.delete(sending),
      () => inFlight.delete(sending),
    )
    let reply: RawReply
    try {
      reply = await Promise.race([sending, hang])
    } finally {
      clearTimeout(timer)
    }
    const shown = `${sent.method} ${sent.url.slice(0, 300)} ${sent.body?.slice(0, 300) ?? ''}`
    // 501 NOT_IMPLEMENTED is MLflow's own answer for an RPC a server does not offer, not a fault.
    assert.ok(reply.status < 500 || reply.status === 501, `${shown}\n→ ${reply.status} ${reply.text.slice(0, 300)}\nlogged: ${String(h.errors.at(-1))}`)
    if (reply.status >= 400 && reply.status !== 404) {
      assert.ok(typeof reply.json?.error_code === 'string' && typeof reply.json?.message === 'string', `${shown}\n→ ${reply.status} not MLflow error JSON: ${reply.text.slice(0, 300)}`)
    }
  }

  const budget = () => ({
    interruptAfterTimeLimit: SECONDS * 1000,
    markInterruptAsFailure: false,
    numRuns: 100_000,
    ...(SEED === undefined ? {} : { seed: SEED }),
  })

  for (const [name, arbitrary] of [
    ['requests over the route table', routeRequest],
    ['search filters and order_by', searchRequest],
    ['raw bodies', bodyRequest],
    ['artifact paths', artifactRequest],
  ] as const) {
    it(`survives ${name}`, { timeout: SECONDS * 1000 + 120_000 }, async () => {
      try {
        await fc.assert(fc.asyncProperty(arbitrary, check), budget())
      } finally {
        await settle()
      }
    })
  }
})
