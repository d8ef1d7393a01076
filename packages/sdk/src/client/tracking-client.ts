import { validateMetric, validateRunId } from '@orchard/core'
import type { DatasetInput, Experiment, Metric, Page, Param, Run, RunInfo, RunMetric, RunStatus, Tag } from '@orchard/core'
import {
  METRIC_HISTORY_BULK_INTERVAL_DEFAULT_RESULTS,
  OrchardError,
  SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS,
  SEARCH_RUNS_DEFAULT_MAX_RESULTS,
} from '@orchard/protocol/base'
import type { Transport } from '../rest/transport.ts'
import { splitBatch } from './batch-split.ts'
import { MetricBatcher } from './metric-batcher.ts'
import { watchRejection } from './watch-rejection.ts'
import type {
  MetricInput,
  ParamValue,
  SearchExperimentsOptions,
  SearchRunsOptions,
  TagRecord,
  TrackingClientOptions,
} from './client-options.ts'

const toTags = (tags: TagRecord | undefined): Tag[] => Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }))

const toMetric = (m: MetricInput, now: number): Metric => ({ key: m.key, value: m.value, timestamp: m.timestamp ?? now, step: m.step ?? 0 })

/**
 * MLflow's MlflowClient, camelCased, over any Transport. Browser-safe; in Node use OrchardClient,
 * which picks the transport from a tracking URI and flushes metrics at exit.
 *
 * @example
 * const client = new TrackingClient(new RestTransport('http://localhost:5000'))
 * const experimentId = await client.createExperiment('taxi')
 */
export class TrackingClient {
  private readonly open: () => Promise<Transport>
  private opening: Promise<Transport> | undefined
  private closing: Promise<void> | undefined
  private readonly batcher: MetricBatcher | undefined
  /** Without batching: errors of logMetric calls nobody awaited, thrown by the next flush(). */
  private unreported: unknown[] = []

  /** `transport` is a Transport, or a function that opens one on first use. */
  constructor(
    transport: Transport | (() => Promise<Transport>),
    options: TrackingClientOptions = {},
  ) {
    this.open = typeof transport === 'function' ? transport : () => Promise.resolve(transport)
    if (options.batching !== false) {
      const batching = options.batching === true || options.batching === undefined ? {} : options.batching
      this.batcher = new MetricBatcher((runId, metrics) => this.sendMetrics(runId, metrics), batching)
    }
  }

  /** The transport for a caller's request: refused once the client is closed. */
  protected transport(): Promise<Transport> {
    if (this.closing) return Promise.reject(new OrchardError('BAD_REQUEST', 'This client is closed; create a new one.'))
    return this.openTransport()
  }

  /** The transport, opened on first use; a failed open is tried again on the next call. */
  private openTransport(): Promise<Transport> {
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined
      throw error
    })
    return this.opening
  }

  // Queued points are still sent while close() flushes them, so this path skips the closed check.
  private async sendMetrics(runId: string, metrics: readonly Metric[]): Promise<void> {
    await (await this.openTransport()).logBatch(runId, { metrics })
  }

  /** True when no logged metric waits to be sent. */
  protected get metricsIdle(): boolean {
    return this.batcher?.idle ?? true
  }

  // Experiments

  /**
   * Create an experiment and return its id.
   *
   * @example
   * const id = await client.createExperiment('taxi', { tags: { team: 'pricing' } })
   */
  async createExperiment(name: string, options: { artifactLocation?: string; tags?: TagRecord } = {}): Promise<string> {
    return (await this.transport()).createExperiment({
      name,
      ...(options.artifactLocation !== undefined ? { artifactLocation: options.artifactLocation } : {}),
      tags: toTags(options.tags),
    })
  }

  /** Get an experiment by id; RESOURCE_DOES_NOT_EXIST if there is none. */
  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.transport()).getExperiment(experimentId)
  }

  /** Get an experiment by name, or undefined if there is none (MLflow returns None). */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return (await this.transport()).getExperimentByName(name)
  }

  /**
   * One page of experiments; pass the returned nextPageToken as pageToken for the next.
   *
   * @example
   * const { items, nextPageToken } = await client.searchExperiments({ filterString: "name LIKE 'taxi%'" })
   */
  async searchExperiments(options: SearchExperimentsOptions = {}): Promise<Page<Experiment>> {
    return (await this.transport()).searchExperiments({
      viewType: options.viewType ?? 'ACTIVE_ONLY',
      maxResults: options.maxResults ?? SEARCH_EXPERIMENTS_DEFAULT_MAX_RESULTS,
      ...(options.filterString ? { filter: options.filterString } : {}),
      ...(options.orderBy?.length ? { orderBy: options.orderBy } : {}),
      ...(options.pageToken ? { pageToken: options.pageToken } : {}),
    })
  }

  /**
   * Every matching experiment, fetching page after page as the loop asks for more.
   *
   * @example
   * for await (const experiment of client.searchAllExperiments()) console.log(experiment.name)
   */
  async *searchAllExperiments(options: Omit<SearchExperimentsOptions, 'pageToken'> = {}): AsyncGenerator<Experiment> {
    let pageToken: string | undefined
    do {
      const page = await this.searchExperiments({ ...options, ...(pageToken ? { pageToken } : {}) })
      yield* page.items
      pageToken = page.nextPageToken
    } while (pageToken)
  }

  /** Give an experiment a new name. */
  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await (await this.transport()).renameExperiment(experimentId, newName)
  }

  /** Set (or overwrite) a tag on an experiment. */
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await (await this.transport()).setExperimentTag(experimentId, { key, value })
  }

  /** Remove a tag from an experiment. */
  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await (await this.transport()).deleteExperimentTag(experimentId, key)
  }

  /** Soft-delete an experiment and its runs; restoreExperiment brings them back. */
  async deleteExperiment(experimentId: string): Promise<void> {
    await (await this.transport()).deleteExperiment(experimentId)
  }

  /** Restore a deleted experiment and its runs. */
  async restoreExperiment(experimentId: string): Promise<void> {
    await (await this.transport()).restoreExperiment(experimentId)
  }

  // Runs

  /**
   * Create a run in an experiment. Unlike the fluent startRun, this adds no system tags.
   *
   * @example
   * const run = await client.createRun(experimentId, { runName: 'baseline', tags: { model: 'tree' } })
   */
  async createRun(
    experimentId: string,
    options: { runName?: string; startTime?: number; tags?: TagRecord; userId?: string } = {},
  ): Promise<Run> {
    return (await this.transport()).createRun({
      experimentId,
      tags: toTags(options.tags),
      ...(options.runName !== undefined ? { runName: options.runName } : {}),
      ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
      ...(options.userId !== undefined ? { userId: options.userId } : {}),
    })
  }

  /** Get a run with its latest metrics, params, tags and inputs (after sending queued metrics). */
  async getRun(runId: string): Promise<Run> {
    await this.flush()
    return (await this.transport()).getRun(runId)
  }

  /** Change a run's status, end time or name; returns the updated info. */
  async updateRun(runId: string, changes: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    await this.flush()
    return (await this.transport()).updateRun(runId, changes)
  }

  /**
   * End a run: send its queued metrics, then set its status (FINISHED by default) and end time.
   *
   * @example
   * await client.setTerminated(run.info.runId, 'FAILED')
   */
  async setTerminated(runId: string, status: RunStatus = 'FINISHED', endTime: number = Date.now()): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime })
  }

  /** Soft-delete a run; restoreRun brings it back. */
  async deleteRun(runId: string): Promise<void> {
    await this.flush()
    await (await this.transport()).deleteRun(runId)
  }

  /** Restore a deleted run. */
  async restoreRun(runId: string): Promise<void> {
    await (await this.transport()).restoreRun(runId)
  }

  /**
   * Move runs to another active experiment, all or nothing (Orchard's own; MLflow has none). The
   * runs keep their artifact_uri, so their artifacts stay where they were written.
   *
   * @example
   * await client.moveRuns([runId], keepersExperimentId)
   */
  async moveRuns(runIds: readonly string[], experimentId: string): Promise<void> {
    await this.flush()
    await (await this.transport()).moveRuns(runIds, experimentId)
  }

  /**
   * One page of runs of the given experiments; pass nextPageToken as pageToken for the next.
   *
   * @example
   * const page = await client.searchRuns([experimentId], { filterString: 'metrics.rmse < 1', orderBy: ['metrics.rmse'] })
   */
  async searchRuns(experimentIds: string | readonly string[], options: SearchRunsOptions = {}): Promise<Page<Run>> {
    await this.flush()
    return (await this.transport()).searchRuns({
      experimentIds: typeof experimentIds === 'string' ? [experimentIds] : experimentIds,
      runViewType: options.runViewType ?? 'ACTIVE_ONLY',
      maxResults: options.maxResults ?? SEARCH_RUNS_DEFAULT_MAX_RESULTS,
      ...(options.filterString ? { filter: options.filterString } : {}),
      ...(options.orderBy?.length ? { orderBy: options.orderBy } : {}),
      ...(options.pageToken ? { pageToken: options.pageToken } : {}),
    })
  }

  /**
   * Every matching run, fetching page after page as the loop asks for more.
   *
   * @example
   * for await (const run of client.searchAllRuns(experimentId, { maxResults: 500 })) console.log(run.info.runName)
   */
  async *searchAllRuns(experimentIds: string | readonly string[], options: Omit<SearchRunsOptions, 'pageToken'> = {}): AsyncGenerator<Run> {
    let pageToken: string | undefined
    do {
      const page = await this.searchRuns(experimentIds, { ...options, ...(pageToken ? { pageToken } : {}) })
      yield* page.items
      pageToken = page.nextPageToken
    } while (pageToken)
  }

  // Logging

  /**
   * Log a param. Logging the same value again is a no-op; a different value is INVALID_PARAMETER_VALUE.
   *
   * @example
   * await client.logParam(runId, 'learning_rate', 0.01)
   */
  async logParam(runId: string, key: string, value: ParamValue): Promise<void> {
    await (await this.transport()).logParam(runId, { key, value: String(value) })
  }

  /**
   * Log one metric point. With batching (the default) the point is queued and sent with others;
   * a failure to store it is thrown by a later logMetric, flush, read or setTerminated.
   *
   * @example
   * for (let step = 0; step < 1000; step++) await client.logMetric(runId, 'loss', loss(step), { step })
   */
  logMetric(runId: string, key: string, value: number, options: { timestamp?: number; step?: number } = {}): Promise<void> {
    return watchRejection(this.logMetricNow(runId, key, value, options), (error) => this.reportLater(error))
  }

  /**
   * Keep an error that no caller saw (from a call nobody awaited) for the next awaited logMetric,
   * flush, read or setTerminated to throw.
   */
  reportLater(error: unknown): void {
    if (this.batcher) this.batcher.restore(error)
    else this.unreported.push(error)
  }

  private async logMetricNow(runId: string, key: string, value: number, options: { timestamp?: number; step?: number }): Promise<void> {
    const metric = toMetric({ key, value, ...options }, Date.now())
    if (!this.batcher) {
      await (await this.transport()).logMetric(runId, metric)
      return
    }
    // Checked now, while the caller can see which call was wrong; the server checks the same.
    validateRunId(runId)
    validateMetric(metric)
    await this.batcher.add(runId, metric)
  }

  /** Set (or overwrite) a tag on a run. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await (await this.transport()).setTag(runId, { key, value })
  }

  /** Remove a tag from a run; RESOURCE_DOES_NOT_EXIST if it has no such tag. */
  async deleteTag(runId: string, key: string): Promise<void> {
    await (await this.transport()).deleteTag(runId, key)
  }

  /**
   * Log metrics, params and tags together. Batches larger than the server's limits are split into
   * several requests, each kind kept in order; each request is all or nothing.
   *
   * @example
   * await client.logBatch(runId, { params: [{ key: 'depth', value: '6' }], metrics: [{ key: 'rmse', value: 0.8, step: 1 }] })
   */
  async logBatch(
    runId: string,
    batch: { metrics?: readonly MetricInput[]; params?: readonly Param[]; tags?: readonly Tag[] },
  ): Promise<void> {
    // Queued points of this run were logged first, so they are stored first.
    await this.flush()
    const now = Date.now()
    const requests = splitBatch({
      metrics: (batch.metrics ?? []).map((m) => toMetric(m, now)),
      params: batch.params ?? [],
      tags: batch.tags ?? [],
    })
    const transport = await this.transport()
    for (const request of requests) await transport.logBatch(runId, request)
  }

  /** Record the datasets a run used. */
  async logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void> {
    await (await this.transport()).logInputs(runId, datasets)
  }

  /**
   * Every point logged for a metric of a run, across all pages.
   *
   * @example
   * const losses = (await client.getMetricHistory(runId, 'loss')).map((m) => m.value)
   */
  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    await this.flush()
    const transport = await this.transport()
    const points: Metric[] = []
    let pageToken: string | undefined
    do {
      const page = await transport.getMetricHistory(runId, key, pageToken ? { pageToken } : {})
      points.push(...page.items)
      pageToken = page.nextPageToken
    } while (pageToken)
    return points
  }

  /**
   * A metric's points for several runs (at most 100), sampled at up to maxResults evenly spread
   * steps per run (default 320, as MLflow's charts ask), each run's first and last step included.
   *
   * @example
   * const points = await client.getMetricHistoryBulkInterval([runA, runB], 'loss', { maxResults: 100 })
   */
  async getMetricHistoryBulkInterval(
    runIds: readonly string[],
    key: string,
    options: { maxResults?: number; startStep?: number; endStep?: number } = {},
  ): Promise<RunMetric[]> {
    await this.flush()
    return (await this.transport()).getMetricHistoryBulkInterval(runIds, key, {
      maxResults: options.maxResults ?? METRIC_HISTORY_BULK_INTERVAL_DEFAULT_RESULTS,
      ...(options.startStep !== undefined ? { startStep: options.startStep } : {}),
      ...(options.endStep !== undefined ? { endStep: options.endStep } : {}),
    })
  }

  /** Send every queued metric point now; rejects if any queued point could not be stored. */
  async flush(): Promise<void> {
    await this.batcher?.flush()
    const [first] = this.unreported.splice(0)
    if (first !== undefined) throw first
  }

  /** Flush, then release the transport (a store's database connection). Later calls are refused. */
  close(): Promise<void> {
    this.closing ??= this.shutDown()
    return this.closing
  }

  private async shutDown(): Promise<void> {
    try {
      await this.batcher?.flush()
    } finally {
      this.batcher?.stop()
      if (this.opening) await (await this.opening).close()
    }
  }
}
