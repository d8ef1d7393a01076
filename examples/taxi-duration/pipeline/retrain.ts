// `retrain`: train a challenger on a newer month, score the champion and the challenger on the newest
// held-out month, and promote the challenger only if its RMSE beats the champion's by the margin.
// The comparison and the decision are a run of their own.
import { getFluentClient, logMetrics, logParams, setTags, withRun } from '@orchard/sdk'
import { tripRecords } from '../data/prepare.ts'
import { regressionMetrics } from '../model/metrics.ts'
import { loadMonth } from './dataset.ts'
import { championModelUri, currentChampion, promoteToChampion, registerCandidate } from './promote.ts'
import { train } from './train.ts'
import type { TrainOptions } from './train.ts'

export interface RetrainOptions extends TrainOptions {
  readonly modelName: string
  /** Relative RMSE improvement required: 0.01 promotes a challenger at least 1% better. */
  readonly margin: number
}

export interface RetrainResult {
  readonly decision: 'promote' | 'keep'
  readonly championVersion?: string
  readonly challengerVersion: string
  readonly championRmse?: number
  readonly challengerRmse: number
  readonly decisionRunId: string
}

export async function retrain(options: RetrainOptions): Promise<RetrainResult> {
  const log = options.log ?? (() => {})
  const trained = await train(options)
  const client = await getFluentClient()
  const champion = await currentChampion(client, options.modelName)
  const heldOut = await loadMonth(options.dataDir, options.valMonth)
  const actual = heldOut.prepared.duration
  let championRmse: number | undefined
  if (champion) {
    // Through the registry, as a deployment would load it: the alias resolves to the version's files.
    const model = await client.loadModel(championModelUri(options.modelName))
    try {
      const predicted = Float64Array.from((await model.predict(tripRecords(heldOut.prepared))) as number[])
      championRmse = regressionMetrics(predicted, actual).rmse
    } finally {
      await model.close()
    }
  }
  const challenger = trained.best
  const challengerRmse = challenger.fitted.val.rmse
  const decision = championRmse === undefined || challengerRmse < championRmse * (1 - options.margin) ? 'promote' : 'keep'
  const reason =
    championRmse === undefined
      ? `first champion: ${challenger.name} trained on ${options.trainMonth}, RMSE ${challengerRmse.toFixed(4)} on ${options.valMonth}`
      : `${challenger.name} trained on ${options.trainMonth}: RMSE ${challengerRmse.toFixed(4)} vs champion v${champion!.version} ${championRmse.toFixed(4)} on ${options.valMonth} (margin ${options.margin})`
  const version = await registerCandidate(client, challenger.modelUri, options.modelName, reason)
  if (decision === 'promote') await promoteToChampion(client, options.modelName, version.version, reason)
  const decisionRunId = await withRun(
    async (run) => {
      await logParams({
        model_name: options.modelName,
        train_month: options.trainMonth,
        evaluation_month: options.valMonth,
        margin: options.margin,
        challenger_run_id: challenger.runId,
        challenger_version: version.version,
        champion_version: champion?.version ?? 'none',
      })
      await logMetrics({ challenger_rmse: challengerRmse, ...(championRmse !== undefined ? { champion_rmse: championRmse, improvement: 1 - challengerRmse / championRmse } : {}) })
      await setTags({ decision, reason })
      return run.runId
    },
    { runName: `retrain-decision-${options.valMonth}` },
  )
  log(`decision: ${decision.toUpperCase()}: ${reason}`)
  log(`registered ${options.modelName} v${version.version}${decision === 'promote' ? ' → Staging → Production, alias champion' : ' (left in stage None)'}; decision run ${decisionRunId}`)
  return {
    decision,
    ...(champion ? { championVersion: champion.version } : {}),
    challengerVersion: version.version,
    ...(championRmse !== undefined ? { championRmse } : {}),
    challengerRmse,
    decisionRunId,
  }
}
