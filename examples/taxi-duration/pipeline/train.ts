// `train`: read and prepare two months, vectorise, fit the sweep, and track all of it: a parent run,
// a nested run per model family and one per hyperparameter, each leaf with its params, train and
// validation RMSE/MAE, convergence evidence, dataset inputs, the model (model.json) and a plot.
import { getFluentClient, logMetrics, logParams, setExperiment, setTags, withRun } from '@orchard/sdk'
import type { ActiveRun } from '@orchard/sdk'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fitVectorizer, transform } from '../data/dict-vectorizer.ts'
import { tripRecords } from '../data/prepare.ts'
import { buildLinearModel } from '../model/linear-model.ts'
import type { LinearModelData } from '../model/linear-model.ts'
import { monthDatasetInput } from '../tracking/datasets.ts'
import { durationDistributionPng } from '../tracking/distribution-plot.ts'
import { loadMonth } from './dataset.ts'
import type { MonthData } from './dataset.ts'
import { DEFAULT_SWEEP, ModelFitter, specName } from './fit-models.ts'
import type { FittedModel, ModelKind, ModelSpec } from './fit-models.ts'

export interface TrainOptions {
  readonly trackingUri: string
  readonly dataDir: string
  readonly trainMonth: string
  readonly valMonth: string
  readonly experiment?: string
  readonly sweep?: readonly ModelSpec[]
  readonly log?: (line: string) => void
}

export interface TrainedCandidate {
  readonly runId: string
  readonly name: string
  readonly fitted: FittedModel
  readonly model: LinearModelData
  /** `runs:/<run>/model`, the logged orchard.linear model. */
  readonly modelUri: string
}

export interface TrainResult {
  readonly parentRunId: string
  readonly experimentId: string
  readonly rows: { readonly train: number; readonly val: number; readonly trainRead: number; readonly valRead: number }
  readonly features: number
  readonly candidates: readonly TrainedCandidate[]
  readonly best: TrainedCandidate
  /** Seconds per step. */
  readonly timings: Readonly<Record<string, number>>
}

export const DEFAULT_EXPERIMENT = 'taxi-duration'
export const MODEL_ARTIFACT_PATH = 'model'

const seconds = (ms: number) => Math.round(ms) / 1000

/** Reads, prepares and vectorises a train/val pair; the steps' timings in seconds. */
export async function prepareTrainingData(dataDir: string, trainMonth: string, valMonth: string) {
  const train = await loadMonth(dataDir, trainMonth)
  const val = await loadMonth(dataDir, valMonth)
  const started = performance.now()
  const vectorizer = fitVectorizer(train.prepared)
  const data = {
    vectorizer,
    train: transform(vectorizer, train.prepared),
    trainY: train.prepared.duration,
    val: transform(vectorizer, val.prepared),
    valY: val.prepared.duration,
  }
  const timings = {
    read: seconds(train.readMs + val.readMs),
    prepare: seconds(train.prepareMs + val.prepareMs),
    vectorize: seconds(performance.now() - started),
  }
  return { train, val, data, timings }
}

async function logMonthInputs(runId: string, train: MonthData, val: MonthData): Promise<void> {
  const client = await getFluentClient()
  await client.logInputs(runId, [await monthDatasetInput(train, 'training'), await monthDatasetInput(val, 'validation')])
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? (() => {})
  const sweep = options.sweep ?? DEFAULT_SWEEP
  const { train: trainMonth, val: valMonth, data, timings } = await prepareTrainingData(options.dataDir, options.trainMonth, options.valMonth)
  log(`read ${trainMonth.month}: ${trainMonth.prepared.rowsRead} trips, kept ${trainMonth.prepared.rows} of 1..60 minutes`)
  log(`read ${valMonth.month}: ${valMonth.prepared.rowsRead} trips, kept ${valMonth.prepared.rows} of 1..60 minutes`)
  log(`features: ${data.vectorizer.featureNames.length} (read ${timings.read}s, prepare ${timings.prepare}s, vectorize ${timings.vectorize}s)`)

  // Under `orchard run` (or `mlflow run`) the run, and so the experiment, is the project's.
  const projectExperimentId = process.env.MLFLOW_RUN_ID ? process.env.MLFLOW_EXPERIMENT_ID : undefined
  const experiment = await setExperiment(options.experiment ?? (projectExperimentId ? { experimentId: projectExperimentId } : DEFAULT_EXPERIMENT))
  const fitter = new ModelFitter(data)
  const candidates: TrainedCandidate[] = []
  const families = [...new Set(sweep.map((spec) => spec.kind))]
  const parentRunId = await withRun(
    async (parent) => {
      await logParams({ train_month: trainMonth.month, val_month: valMonth.month, features: data.vectorizer.featureNames.length, train_rows: trainMonth.prepared.rows, val_rows: valMonth.prepared.rows })
      await logMonthInputs(parent.runId, trainMonth, valMonth)
      for (const family of families) {
        const specs = sweep.filter((spec) => spec.kind === family)
        const fitOne = async (spec: ModelSpec, run: ActiveRun) => {
          const fitted = fitter.fit(spec)
          const model = buildLinearModel(data.vectorizer, fitted, {
            model: spec.kind,
            alpha: spec.alpha ?? null,
            train_month: trainMonth.month,
            val_month: valMonth.month,
            val_rmse: fitted.val.rmse,
          })
          await logMonthInputs(run.runId, trainMonth, valMonth)
          const modelUri = await logCandidateRun(run, fitted, model, data.valY, tripRecords(valMonth.prepared, 0, 5))
          candidates.push({ runId: run.runId, name: specName(spec), fitted, model, modelUri })
          log(`${specName(spec).padEnd(22)} train RMSE ${fitted.train.rmse.toFixed(4)}  val RMSE ${fitted.val.rmse.toFixed(4)}  val MAE ${fitted.val.mae.toFixed(4)}  fit ${fitted.fitSeconds.toFixed(3)}s  ${fitted.convergence.iterations} ${fitted.spec.kind === 'lasso' ? 'sweeps' : 'iterations'}, ${fitted.convergence.measure} ${fitted.convergence.value.toExponential(1)}`)
        }
        if (specs.length === 1 && specs[0]!.alpha === undefined) {
          await withRun((run) => fitOne(specs[0]!, run), { runName: familyRunName(family), nested: true })
          continue
        }
        await withRun(
          async () => {
            await logParams({ model: family, alphas: specs.map((spec) => spec.alpha).join(',') })
            for (const spec of specs) await withRun((run) => fitOne(spec, run), { runName: specName(spec), nested: true })
            const best = bestOf(candidates.filter((candidate) => candidate.fitted.spec.kind === family))
            await logMetrics({ best_val_rmse: best.fitted.val.rmse })
            await setTags({ best_alpha: String(best.fitted.spec.alpha) })
          },
          { runName: familyRunName(family), nested: true },
        )
      }
      const best = bestOf(candidates)
      await logMetrics({ best_val_rmse: best.fitted.val.rmse, read_seconds: timings.read, prepare_seconds: timings.prepare, vectorize_seconds: timings.vectorize })
      await setTags({ best_model: best.name, best_run_id: best.runId })
      return parent.runId
    },
    { runName: `train-${trainMonth.month}-val-${valMonth.month}` },
  )
  const best = bestOf(candidates)
  log(`best: ${best.name} (run ${best.runId}), val RMSE ${best.fitted.val.rmse.toFixed(4)}; parent run ${parentRunId}`)
  return {
    parentRunId,
    experimentId: experiment.experimentId,
    rows: { train: trainMonth.prepared.rows, val: valMonth.prepared.rows, trainRead: trainMonth.prepared.rowsRead, valRead: valMonth.prepared.rowsRead },
    features: data.vectorizer.featureNames.length,
    candidates,
    best,
    timings: { ...timings, fit: candidates.reduce((total, candidate) => total + candidate.fitted.fitSeconds, 0) },
  }
}

function familyRunName(family: ModelKind): string {
  return { linear: 'linear-regression', ridge: 'ridge', lasso: 'lasso' }[family]
}

export function bestOf(candidates: readonly TrainedCandidate[]): TrainedCandidate {
  const best = candidates.reduce<TrainedCandidate | undefined>((winner, candidate) => (!winner || candidate.fitted.val.rmse < winner.fitted.val.rmse ? candidate : winner), undefined)
  if (!best) throw new Error('no model was trained: the sweep is empty')
  return best
}

/** Logs one leaf run's params, metrics and artifacts; resolves to the logged model's URI. */
async function logCandidateRun(
  run: ActiveRun,
  fitted: FittedModel,
  model: LinearModelData,
  valY: Float64Array,
  inputExample: Record<string, string | number | null>[],
): Promise<string> {
  await logParams({
    model: fitted.spec.kind,
    ...(fitted.spec.alpha !== undefined ? { alpha: fitted.spec.alpha } : {}),
    solver: fitted.convergence.solver,
    convergence_measure: fitted.convergence.measure,
  })
  await logMetrics({
    train_rmse: fitted.train.rmse,
    val_rmse: fitted.val.rmse,
    train_mae: fitted.train.mae,
    val_mae: fitted.val.mae,
    fit_seconds: fitted.fitSeconds,
    solver_iterations: fitted.convergence.iterations,
    convergence_value: fitted.convergence.value,
    nonzero_coefficients: fitted.coefficients.reduce((count, value) => count + (value !== 0 ? 1 : 0), 0),
  })
  await setTags({ converged: String(fitted.convergence.converged) })
  const client = await getFluentClient()
  const info = await client.logModel(run.runId, 'orchard.linear', model, { artifactPath: MODEL_ARTIFACT_PATH, inputExample })
  const plots = await mkdtemp(join(tmpdir(), 'taxi-plots-'))
  try {
    await writeFile(join(plots, 'duration-distribution.png'), durationDistributionPng(fitted.valPredictions, valY))
    await client.logArtifacts(run.runId, plots, 'plots')
  } finally {
    await rm(plots, { recursive: true, force: true })
  }
  return info.modelUri
}
