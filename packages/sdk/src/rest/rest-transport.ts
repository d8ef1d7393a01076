import { doubleToWire } from '@orchard/core'
import type { DatasetInput, Experiment, Metric, Page, Param, Run, RunInfo, RunMetric, Tag } from '@orchard/core'
import { isOrchardError, trackingRouteAddresses } from '@orchard/protocol/base'
import type { TrackingOperation, WireExperiment, WireMetric, WireRun, WireRunInfo, WireRunMetric } from '@orchard/protocol'
import { experimentFromWire, metricFromWire, runFromWire, runInfoFromWire, runMetricFromWire } from './from-wire.ts'
import { HttpClient } from './http-client.ts'
import type { HttpOptions } from './http-client.ts'
import { RestRegistryTransport } from './rest-registry-transport.ts'
import { routeRequest, serverRoot } from './route-request.ts'
import type { WireRequest } from './route-request.ts'
import type {
  CreateExperimentInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryIntervalQuery,
  MetricHistoryQuery,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Transport,
  UpdateRunInput,
} from './transport.ts'

/**
 * Operations that may be sent a second time after a failure that left it open whether the server
 * acted (a reset connection, a 502 or 504 from a proxy):
 * - reads change nothing;
 * - log-metric and log-batch: the store keeps one row per identical (key, timestamp, step, value),
 *   so a metric point sent twice is stored once; a param logged again with the same value is a
 *   no-op; set-tag and set-experiment-tag overwrite with the same value. Re-sending the identical
 *   batch is therefore safe, and retrying one never doubles data;
 * - log-parameter, set-tag, update and rename set a value, so doing it twice equals doing it once.
 * The rest (create, delete, restore, delete-tag, log-inputs) would create a second entity or fail
 * with "already deleted"/"not found" on the repeat, so they are retried only after refusals.
 */
const RESEND_SAFE: ReadonlySet<TrackingOperation> = new Set<TrackingOperation>([
  'getExperiment',
  'getExperimentByName',
  'searchExperiments',
  'updateExperiment',
  'setExperimentTag',
  'getRun',
  'updateRun',
  'searchRuns',
  'logMetric',
  'logParam',
  'setTag',
  'logBatch',
  'getMetricHistory',
  'getMetricHistoryBulkInterval',
  'listArtifacts',
])

const tagsToWire = (tags: readonly Tag[] | undefined) => (tags?.length ? tags.map((t) => ({ key: t.key, value: t.value })) : undefined)

/** A metric as log-metric and log-batch send it (NaN and ±Infinity as proto JSON strings). */
const metricToRequest = (m: Metric): WireMetric => ({ key: m.key, value: doubleToWire(m.value), timestamp: m.timestamp, step: m.step })

/** One entry of an artifact listing. */
export interface ArtifactFile {
  /** Relative to the run's artifact root, `/`-separated. */
  readonly path: string
  readonly isDir: boolean
  /** Bytes; files only. */
  readonly fileSize?: number
}

/** One page of one level of a run's artifacts. */
export interface ArtifactListing {
  readonly rootUri: string
  readonly files: readonly ArtifactFile[]
  readonly nextPageToken?: string
}

/** Options of a RestTransport: HTTP timeouts, retries and headers. */
export type RestTransportOptions = HttpOptions

/**
 * The Transport over MLflow's REST API. Browser-safe (global fetch, no Node imports); every URL
 * comes from the protocol route table.
 *
 * @example
 * const transport = new RestTransport('http://localhost:5000', { timeoutMs: 10_000 })
 * const run = await transport.getRun(runId)
 */
export class RestTransport extends RestRegistryTransport implements Transport {
  /** `trackingUri` is the server's base URL, e.g. `http://localhost:5000`. */
  constructor(trackingUri: string, options: RestTransportOptions = {}) {
    super(serverRoot(trackingUri), new HttpClient(options))
  }

  private call(operation: TrackingOperation, request: WireRequest): Promise<Record<string, unknown>> {
    return this.http.send(routeRequest(this.root, trackingRouteAddresses[operation], request), RESEND_SAFE.has(operation))
  }

  async createExperiment(input: CreateExperimentInput): Promise<string> {
    const reply = await this.call('createExperiment', {
      name: input.name,
      artifact_location: input.artifactLocation,
      tags: tagsToWire(input.tags),
    })
    return String(reply.experiment_id)
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const reply = await this.call('getExperiment', { experiment_id: experimentId })
    return experimentFromWire(reply.experiment as WireExperiment)
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const reply = await this.call('getExperimentByName', { experiment_name: name })
      return experimentFromWire(reply.experiment as WireExperiment)
    } catch (error) {
      if (isOrchardError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined
      throw error
    }
  }

  async searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> {
    const reply = await this.call('searchExperiments', {
      view_type: query.viewType,
      filter: query.filter,
      order_by: query.orderBy,
      max_results: query.maxResults,
      page_token: query.pageToken,
    })
    return page((reply.experiments as WireExperiment[] | undefined) ?? [], experimentFromWire, reply.next_page_token)
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.call('updateExperiment', { experiment_id: experimentId, new_name: newName })
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.call('deleteExperiment', { experiment_id: experimentId })
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.call('restoreExperiment', { experiment_id: experimentId })
  }

  async setExperimentTag(experimentId: string, tag: Tag): Promise<void> {
    await this.call('setExperimentTag', { experiment_id: experimentId, key: tag.key, value: tag.value })
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await this.call('deleteExperimentTag', { experiment_id: experimentId, key })
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    const reply = await this.call('createRun', {
      experiment_id: input.experimentId,
      user_id: input.userId,
      run_name: input.runName,
      start_time: input.startTime,
      tags: tagsToWire(input.tags),
    })
    return runFromWire(reply.run as WireRun)
  }

  async getRun(runId: string): Promise<Run> {
    const reply = await this.call('getRun', { run_id: runId })
    return runFromWire(reply.run as WireRun)
  }

  async updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    const reply = await this.call('updateRun', {
      run_id: runId,
      status: input.status,
      end_time: input.endTime,
      run_name: input.runName,
    })
    return runInfoFromWire(reply.run_info as WireRunInfo)
  }

  async deleteRun(runId: string): Promise<void> {
    await this.call('deleteRun', { run_id: runId })
  }

  async restoreRun(runId: string): Promise<void> {
    await this.call('restoreRun', { run_id: runId })
  }

  async moveRuns(runIds: readonly string[], experimentId: string): Promise<void> {
    await this.call('moveRuns', { run_ids: runIds, experiment_id: experimentId })
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    const reply = await this.call('searchRuns', {
      experiment_ids: query.experimentIds,
      filter: query.filter,
      run_view_type: query.runViewType,
      max_results: query.maxResults,
      order_by: query.orderBy,
      page_token: query.pageToken,
    })
    return page((reply.runs as WireRun[] | undefined) ?? [], runFromWire, reply.next_page_token)
  }

  async logMetric(runId: string, metric: Metric): Promise<void> {
    await this.call('logMetric', { run_id: runId, ...metricToRequest(metric) })
  }

  async logParam(runId: string, param: Param): Promise<void> {
    await this.call('logParam', { run_id: runId, key: param.key, value: param.value })
  }

  async setTag(runId: string, tag: Tag): Promise<void> {
    await this.call('setTag', { run_id: runId, key: tag.key, value: tag.value })
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.call('deleteTag', { run_id: runId, key })
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    await this.call('logBatch', {
      run_id: runId,
      metrics: batch.metrics?.length ? batch.metrics.map(metricToRequest) : undefined,
      params: tagsToWire(batch.params),
      tags: tagsToWire(batch.tags),
    })
  }

  async logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void> {
    await this.call('logInputs', {
      run_id: runId,
      datasets: datasets.map((input) => ({
        tags: tagsToWire(input.tags),
        dataset: {
          name: input.dataset.name,
          digest: input.dataset.digest,
          source_type: input.dataset.sourceType,
          source: input.dataset.source,
          schema: input.dataset.schema,
          profile: input.dataset.profile,
        },
      })),
    })
  }

  async getMetricHistory(runId: string, key: string, query: MetricHistoryQuery = {}): Promise<Page<Metric>> {
    const reply = await this.call('getMetricHistory', {
      run_id: runId,
      metric_key: key,
      max_results: query.maxResults,
      page_token: query.pageToken,
    })
    return page((reply.metrics as WireMetric[] | undefined) ?? [], metricFromWire, reply.next_page_token)
  }

  async getMetricHistoryBulkInterval(runIds: readonly string[], key: string, query: MetricHistoryIntervalQuery): Promise<RunMetric[]> {
    const reply = await this.call('getMetricHistoryBulkInterval', {
      run_ids: runIds,
      metric_key: key,
      start_step: query.startStep,
      end_step: query.endStep,
      max_results: query.maxResults,
    })
    return ((reply.metrics as WireRunMetric[] | undefined) ?? []).map(runMetricFromWire)
  }

  /**
   * One level of a run's artifacts (one page of it), as MLflow's artifacts/list answers: paths
   * relative to the run's artifact root, sizes for files. A path that does not exist lists nothing.
   *
   * @example
   * const { files } = await transport.listArtifacts(runId, { path: 'model' })
   */
  async listArtifacts(runId: string, options: { path?: string; pageToken?: string } = {}): Promise<ArtifactListing> {
    const reply = await this.call('listArtifacts', { run_id: runId, path: options.path, page_token: options.pageToken })
    const files = (reply.files as { path: string; is_dir?: boolean; file_size?: number | string }[] | undefined) ?? []
    return {
      rootUri: typeof reply.root_uri === 'string' ? reply.root_uri : '',
      files: files.map((f) => ({ path: f.path, isDir: f.is_dir === true, ...(f.file_size !== undefined ? { fileSize: Number(f.file_size) } : {}) })),
      ...(typeof reply.next_page_token === 'string' && reply.next_page_token ? { nextPageToken: reply.next_page_token } : {}),
    }
  }

  /** Record a logged model's MLmodel (as JSON) in the run's `mlflow.log-model.history` tag. */
  async logModel(runId: string, modelJson: string): Promise<void> {
    await this.call('logModel', { run_id: runId, model_json: modelJson })
  }

  /** Nothing to release: fetch keeps no per-client connection state. */
  async close(): Promise<void> {}
}

function page<W, T>(items: readonly W[], map: (wire: W) => T, token: unknown): Page<T> {
  return { items: items.map(map), ...(typeof token === 'string' && token ? { nextPageToken: token } : {}) }
}
