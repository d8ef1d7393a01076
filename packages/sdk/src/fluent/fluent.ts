import type { Experiment, RunInfo, RunStatus, Tag } from '@orchard/core'
import { OrchardError, invalidParameter, isOrchardError } from '@orchard/protocol/base'
import type { ParamValue, TagRecord } from '../client/client-options.ts'
import { OrchardClient, resolveTrackingUri } from '../orchard-client.ts'
import type { OrchardClientOptions } from '../orchard-client.ts'
import { onBeforeExit, onTerminationSignal } from '../process-hooks.ts'
import { watchRejection } from '../client/watch-rejection.ts'
import { PARENT_RUN_ID_TAG, RUN_NAME_TAG, USER_TAG, systemTags } from './system-tags.ts'

/** The run the fluent functions log to, as startRun returns it. */
export interface ActiveRun {
  readonly runId: string
  readonly experimentId: string
  readonly runName: string
  /** The enclosing run of a nested run. */
  readonly parentRunId?: string
  /** The run's info when it was started (or resumed). */
  readonly info: RunInfo
}

/** Options of startRun and withRun. */
export interface StartRunOptions {
  readonly runName?: string
  /** Start inside the active run (tagged mlflow.parentRunId) instead of refusing to. */
  readonly nested?: boolean
  readonly tags?: TagRecord
  /** Defaults to the experiment of setExperiment, else MLFLOW_EXPERIMENT_ID / _NAME, else Default ('0'). */
  readonly experimentId?: string
  /** Resume this run instead of creating one; it is set RUNNING again. */
  readonly runId?: string
}

/** Options of the fluent logMetric and logMetrics. */
export interface FluentMetricOptions {
  readonly step?: number
  readonly timestamp?: number
}

const DEFAULT_EXPERIMENT_ID = '0'
const tagList = (tags: TagRecord | undefined): Tag[] => Object.entries(tags ?? {}).map(([key, value]) => ({ key, value }))

/**
 * The state behind the fluent functions (mlflow.start_run and friends): one tracking URI, one
 * active experiment and a stack of active runs. Exported functions use one process-wide session.
 */
export class FluentSession {
  private trackingUri: string | undefined
  private experimentId: string | undefined
  private client: OrchardClient | undefined
  private retiring: Promise<void> | undefined
  private readonly runs: ActiveRun[] = []
  private cancelHooks: (() => void) | undefined

  constructor(private readonly clientOptions: OrchardClientOptions = {}) {}

  setTrackingUri(uri: string): void {
    if (this.runs.length > 0) {
      throw new OrchardError('BAD_REQUEST', `Run ${this.top().runId} is active; end it before changing the tracking URI.`)
    }
    if (this.client) {
      const previous = this.client
      // Closing flushes; a failure is thrown by the next fluent call rather than lost.
      this.retiring = (this.retiring ?? Promise.resolve()).then(() => previous.close())
      this.client = undefined
    }
    this.trackingUri = uri
    this.experimentId = undefined
  }

  getTrackingUri(): string {
    return resolveTrackingUri(this.trackingUri)
  }

  async getClient(): Promise<OrchardClient> {
    if (this.retiring) {
      const retiring = this.retiring
      this.retiring = undefined
      await retiring
    }
    this.client ??= new OrchardClient(this.getTrackingUri(), this.clientOptions)
    return this.client
  }

  async setExperiment(target: string | { readonly experimentId: string }): Promise<Experiment> {
    const client = await this.getClient()
    let experiment: Experiment
    if (typeof target !== 'string') {
      experiment = await client.getExperiment(target.experimentId)
    } else {
      experiment = (await client.getExperimentByName(target)) ?? (await this.createExperiment(client, target))
    }
    if (experiment.lifecycleStage === 'deleted') {
      throw invalidParameter(
        `Cannot set a deleted experiment '${experiment.name}' as the active experiment. You can restore the experiment, or permanently delete the experiment to create a new one.`,
      )
    }
    this.experimentId = experiment.experimentId
    return experiment
  }

  private async createExperiment(client: OrchardClient, name: string): Promise<Experiment> {
    try {
      return await client.getExperiment(await client.createExperiment(name))
    } catch (error) {
      // Another process created it between our lookup and our create.
      const existing = isOrchardError(error) && error.code === 'RESOURCE_ALREADY_EXISTS' ? await client.getExperimentByName(name) : undefined
      if (!existing) throw error
      return existing
    }
  }

  private async resolveExperimentId(requested: string | undefined): Promise<string> {
    if (requested) return requested
    if (this.experimentId) return this.experimentId
    if (process.env.MLFLOW_EXPERIMENT_ID) return process.env.MLFLOW_EXPERIMENT_ID
    if (process.env.MLFLOW_EXPERIMENT_NAME) return (await this.setExperiment(process.env.MLFLOW_EXPERIMENT_NAME)).experimentId
    return DEFAULT_EXPERIMENT_ID
  }

  activeRun(): ActiveRun | undefined {
    return this.runs[this.runs.length - 1]
  }

  private top(): ActiveRun {
    return this.runs[this.runs.length - 1] as ActiveRun
  }

  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const parent = this.activeRun()
    if (parent && !options.nested) {
      throw new OrchardError(
        'BAD_REQUEST',
        `Run with UUID ${parent.runId} is already active. To start a new run, first end the current run with endRun(). To start a nested run, call startRun with nested: true.`,
      )
    }
    const client = await this.getClient()
    let info: RunInfo
    // As MLflow's start_run: a top-level run with no run id resumes MLFLOW_RUN_ID (how `orchard run`
    // and `mlflow run` hand their run to the program), once; runs started later are new.
    const envRunId = !options.runId && !parent ? process.env.MLFLOW_RUN_ID : undefined
    if (envRunId) delete process.env.MLFLOW_RUN_ID
    const resumeId = options.runId ?? envRunId
    if (resumeId) {
      const existing = await client.getRun(resumeId)
      info = existing.info.status === 'RUNNING' ? existing.info : await client.updateRun(resumeId, { status: 'RUNNING' })
    } else {
      const tags = new Map<string, string>()
      for (const tag of await systemTags()) tags.set(tag.key, tag.value)
      if (parent) tags.set(PARENT_RUN_ID_TAG, parent.runId)
      if (options.runName) tags.set(RUN_NAME_TAG, options.runName)
      for (const tag of tagList(options.tags)) tags.set(tag.key, tag.value)
      const run = await client.createRun(await this.resolveExperimentId(options.experimentId), {
        tags: Object.fromEntries(tags),
        ...(options.runName ? { runName: options.runName } : {}),
        userId: tags.get(USER_TAG) ?? '',
      })
      info = run.info
      // Unnamed runs get a generated name; MLflow mirrors it in the mlflow.runName tag.
      if (!run.data.tags.some((t) => t.key === RUN_NAME_TAG)) await client.setTag(info.runId, RUN_NAME_TAG, info.runName)
    }
    const run: ActiveRun = {
      runId: info.runId,
      experimentId: info.experimentId,
      runName: info.runName,
      ...(parent ? { parentRunId: parent.runId } : {}),
      info,
    }
    this.runs.push(run)
    this.installHooks()
    return run
  }

  async endRun(status: RunStatus = 'FINISHED'): Promise<void> {
    const run = this.runs.pop()
    if (this.runs.length === 0) this.removeHooks()
    if (!run) return
    await (await this.getClient()).setTerminated(run.runId, status)
  }

  async withRun<T>(fn: (run: ActiveRun) => Promise<T> | T, options: StartRunOptions = {}): Promise<T> {
    const run = await this.startRun(options)
    let result: T
    try {
      result = await fn(run)
    } catch (error) {
      try {
        await this.endIfActive(run, 'FAILED')
      } catch (endError) {
        throw new AggregateError([error, endError], `The run failed and could not be ended FAILED: ${String(endError)}`)
      }
      throw error
    }
    await this.endIfActive(run, 'FINISHED')
    return result
  }

  /** End `run` and any runs nested in it that `fn` left open; nothing if `fn` ended it already. */
  private async endIfActive(run: ActiveRun, status: RunStatus): Promise<void> {
    if (!this.runs.includes(run)) return
    while (this.activeRun() !== run) await this.endRun(status)
    await this.endRun(status)
  }

  private async endAll(status: RunStatus): Promise<void> {
    while (this.runs.length > 0) await this.endRun(status)
  }

  private installHooks(): void {
    if (this.cancelHooks) return
    // As MLflow's atexit hook: a run still open when the program ends on its own has finished.
    const cancelExit = onBeforeExit({ pending: () => this.runs.length > 0, run: () => this.endAll('FINISHED') })
    const cancelSignal = onTerminationSignal(() => this.endAll('KILLED'))
    this.cancelHooks = () => {
      cancelExit()
      cancelSignal()
    }
  }

  private removeHooks(): void {
    this.cancelHooks?.()
    this.cancelHooks = undefined
  }

  /** The active run, or a new one (as MLflow's log functions start one when none is active). */
  private async runId(): Promise<string> {
    return (this.activeRun() ?? (await this.startRun())).runId
  }

  async logParam(key: string, value: ParamValue): Promise<void> {
    const runId = await this.runId()
    await (await this.getClient()).logParam(runId, key, value)
  }

  async logParams(params: Readonly<Record<string, ParamValue>>): Promise<void> {
    const runId = await this.runId()
    const list = Object.entries(params).map(([key, value]) => ({ key, value: String(value) }))
    await (await this.getClient()).logBatch(runId, { params: list })
  }

  // Training loops often call these without `await`: see watchRejection.
  logMetric(key: string, value: number, options: FluentMetricOptions = {}): Promise<void> {
    return watchRejection(this.logMetricNow(key, value, options), (error) => this.reportLater(error))
  }

  logMetrics(metrics: Readonly<Record<string, number>>, options: FluentMetricOptions = {}): Promise<void> {
    return watchRejection(this.logMetricsNow(metrics, options), (error) => this.reportLater(error))
  }

  private reportLater(error: unknown): void {
    this.getClient().then(
      (client) => client.reportLater(error),
      () => undefined, // the next call fails to open the client too, and says why
    )
  }

  private async logMetricNow(key: string, value: number, options: FluentMetricOptions): Promise<void> {
    const runId = await this.runId()
    await (await this.getClient()).logMetric(runId, key, value, options)
  }

  private async logMetricsNow(metrics: Readonly<Record<string, number>>, options: FluentMetricOptions): Promise<void> {
    const runId = await this.runId()
    const client = await this.getClient()
    const timestamp = options.timestamp ?? Date.now()
    for (const [key, value] of Object.entries(metrics)) await client.logMetric(runId, key, value, { ...options, timestamp })
  }

  async setTag(key: string, value: string): Promise<void> {
    const runId = await this.runId()
    await (await this.getClient()).setTag(runId, key, value)
  }

  async setTags(tags: TagRecord): Promise<void> {
    const runId = await this.runId()
    await (await this.getClient()).logBatch(runId, { tags: tagList(tags) })
  }

  /** Call `fn` with the client and the active run (started if none is), for the artifact helpers. */
  async onActiveRun<T>(fn: (client: OrchardClient, runId: string) => Promise<T>): Promise<T> {
    const runId = await this.runId()
    return fn(await this.getClient(), runId)
  }

  async flush(): Promise<void> {
    if (this.client) await this.client.flush()
  }
}
