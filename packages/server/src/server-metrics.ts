// The tracking server's Prometheus metrics on GET /metrics: requests by route template and status,
// latency, store query time, the PostgreSQL pool, monitoring alerts and the process. Rendered by the
// registry the scoring server uses too (@orchard/protocol).
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { IntervalHistogram } from 'node:perf_hooks'
import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { MONITORING_ALERT_TAG } from '@orchard/core'
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '@orchard/protocol/base'
import type { Histogram } from '@orchard/protocol/base'
import type { RegistryStore, TrackingStore } from '@orchard/store'
import type { ServerContext } from './server-context.ts'

/** The most model versions with an alert that /metrics lists (one query per scrape, bounded). */
const MAX_ALERT_SERIES = 500

// One event-loop delay sampler per process, started with the first server: it costs a timer every
// 10 ms and does not keep the process alive.
let eventLoopDelay: IntervalHistogram | undefined
const processStartSeconds = Math.round(Date.now() / 1000 - process.uptime())

/**
 * The route template a request matched (`/api/2.0/mlflow/runs/get`, `/api/2.0/mlflow-artifacts/artifacts/*`),
 * never the raw path, so the number of series stays bounded. Middleware and the UI's fallback are
 * registered on `*`: a request only they matched is `(ui)`, or `(unmatched)` when it was a 404.
 */
function routeOf(c: Context): string {
  for (const route of matchedRoutes(c)) if (route.path !== '*' && route.path !== '/*') return route.path
  return c.res.status === 404 ? '(unmatched)' : '(ui)'
}

/** Times every call of a store's methods into `histogram`, labelled by the method's name. */
function timeStore<T extends object>(store: T, histogram: Histogram): T {
  const wrapped = new Map<PropertyKey, unknown>()
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function' || property === 'close' || typeof property !== 'string') return value
      let timed = wrapped.get(property)
      if (!timed) {
        const labels = [property]
        timed = function (this: unknown, ...args: unknown[]) {
          const started = performance.now()
          const done = () => histogram.observe(labels, (performance.now() - started) / 1000)
          const result = (value as (...a: unknown[]) => unknown).apply(target, args)
          if (result instanceof Promise) return result.finally(done)
          done()
          return result
        }
        wrapped.set(property, timed)
      }
      return timed
    },
  })
}

export interface ServerMetricsOptions {
  readonly trackingStore: TrackingStore
  readonly registryStore?: RegistryStore
}

export class ServerMetrics {
  readonly registry = new MetricsRegistry()
  private readonly storeDuration: Histogram
  private inFlight = 0

  constructor(private readonly options: ServerMetricsOptions) {
    const r = this.registry
    const requests = r.counter('orchard_http_requests_total', 'HTTP requests by method, route template and status.', ['method', 'route', 'status'])
    const duration = r.histogram('orchard_http_request_duration_seconds', 'Time to answer an HTTP request (until its response starts), by method and route template.', ['method', 'route'])
    const inFlight = r.gauge('orchard_http_requests_in_flight', 'HTTP requests being answered now.')
    this.storeDuration = r.histogram('orchard_store_query_duration_seconds', 'Time in a store operation (its database queries), by operation.', ['operation'])
    const poolConnections = r.gauge('orchard_store_pool_connections', 'Database connections of the pool, by state (PostgreSQL only).', ['state'])
    const poolMax = r.gauge('orchard_store_pool_max_connections', 'The most connections the pool opens (PostgreSQL only).')
    const poolWaiting = r.gauge('orchard_store_pool_waiting_requests', 'Queries waiting for a pooled connection (PostgreSQL only).')
    const alerts = r.gauge(
      'orchard_monitoring_alert',
      `Model versions carrying a monitoring alert (the ${MONITORING_ALERT_TAG} tag): 1 per version, by the job that raised it.`,
      ['model_name', 'model_version', 'job'],
    )
    const alertRaised = r.gauge('orchard_monitoring_alert_raised_timestamp_seconds', "When the version's latest monitoring alert was raised.", ['model_name', 'model_version', 'job'])
    const rss = r.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.')
    const heap = r.gauge('nodejs_heap_size_used_bytes', "V8's used heap in bytes.")
    const cpu = r.counter('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.')
    const start = r.gauge('process_start_time_seconds', 'When the process started, in seconds since the epoch.')
    const lag = {
      mean: r.gauge('nodejs_eventloop_lag_mean_seconds', 'Mean event-loop delay since the previous scrape.'),
      p50: r.gauge('nodejs_eventloop_lag_p50_seconds', 'Median event-loop delay since the previous scrape.'),
      p99: r.gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile event-loop delay since the previous scrape.'),
      max: r.gauge('nodejs_eventloop_lag_max_seconds', 'Longest event-loop delay since the previous scrape.'),
    }
    if (!eventLoopDelay) {
      eventLoopDelay = monitorEventLoopDelay({ resolution: 10 })
      eventLoopDelay.enable()
    }

    this.middleware = async (c, next) => {
      const started = performance.now()
      this.inFlight++
      try {
        await next()
      } finally {
        this.inFlight--
        const route = routeOf(c)
        const method = c.req.method
        requests.inc([method, route, String(c.res.status)])
        duration.observe([method, route], (performance.now() - started) / 1000)
      }
    }

    r.onCollect(() => {
      inFlight.set([], this.inFlight)
      rss.set([], process.memoryUsage.rss())
      heap.set([], process.memoryUsage().heapUsed)
      const usage = process.cpuUsage()
      cpu.reset()
      cpu.inc([], (usage.user + usage.system) / 1e6)
      start.set([], processStartSeconds)
      const delay = eventLoopDelay!
      if (delay.count > 0) {
        lag.mean.set([], delay.mean / 1e9)
        lag.p50.set([], delay.percentile(50) / 1e9)
        lag.p99.set([], delay.percentile(99) / 1e9)
        lag.max.set([], delay.max / 1e9)
        delay.reset()
      }
      const pool = this.options.trackingStore.poolStats?.()
      if (pool) {
        poolConnections.set(['in_use'], pool.total - pool.idle)
        poolConnections.set(['idle'], pool.idle)
        poolMax.set([], pool.max)
        poolWaiting.set([], pool.waiting)
      }
    })
    const registryStore = options.registryStore
    if (registryStore) {
      r.onCollect(async () => {
        const page = await registryStore.searchModelVersions({ filter: `tags.\`${MONITORING_ALERT_TAG}\` LIKE '%'`, maxResults: MAX_ALERT_SERIES })
        alerts.reset()
        alertRaised.reset()
        for (const version of page.items) {
          const value = version.tags.find((tag) => tag.key === MONITORING_ALERT_TAG)?.value ?? ''
          let job = 'unknown'
          let raisedMs = version.lastUpdatedTimestamp
          try {
            const alert = JSON.parse(value) as { job?: unknown; raised_at?: unknown }
            if (typeof alert.job === 'string' && alert.job.length <= 64) job = alert.job
            const raised = typeof alert.raised_at === 'string' ? Date.parse(alert.raised_at) : NaN
            if (Number.isFinite(raised)) raisedMs = raised
          } catch {
            // An alert that is not JSON still counts, with job `unknown`.
          }
          alerts.set([version.name, version.version, job], 1)
          alertRaised.set([version.name, version.version, job], raisedMs / 1000)
        }
      })
    }
  }

  /** Counts and times every request; register it first so it sees every answer. */
  readonly middleware: MiddlewareHandler

  /** GET /metrics. */
  readonly handler = async (c: Context): Promise<Response> => c.body(await this.registry.render(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE })

  /** The handlers' context with stores whose every call is timed into orchard_store_query_duration_seconds. */
  instrument<T extends ServerContext>(context: T): T {
    return {
      ...context,
      trackingStore: timeStore(context.trackingStore, this.storeDuration),
      ...(context.registryStore ? { registryStore: timeStore(context.registryStore, this.storeDuration) } : {}),
    }
  }
}
