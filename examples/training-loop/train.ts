// A small training loop in plain TypeScript, tracked with Orchard's fluent API: a learning-rate sweep
// (one parent run, one nested run per rate) fitting y = 3x + 2 by gradient descent, logging params,
// the loss at every epoch, tags and the best result.
//
//   node --import tsx examples/training-loop/train.ts                 # embedded: ./mlruns, no server
//   MLFLOW_TRACKING_URI=http://127.0.0.1:5000 node --import tsx examples/training-loop/train.ts
import { flush, logMetric, logParams, setExperiment, setTags, withRun } from '@orchard/sdk'

const EPOCHS = 50
const LEARNING_RATES = [0.01, 0.1, 0.5]

/** Deterministic noisy samples of y = 3x + 2 on [0, 1). */
function makeData(count: number): { x: number[]; y: number[] } {
  let seed = 42
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
  const x = Array.from({ length: count }, () => random())
  return { x, y: x.map((v) => 3 * v + 2 + (random() - 0.5) * 0.1) }
}

/** Full-batch gradient descent on mean squared error; `onEpoch` sees the loss before each update. */
async function fit(
  data: { x: number[]; y: number[] },
  learningRate: number,
  onEpoch: (epoch: number, loss: number) => Promise<void>,
): Promise<{ weight: number; bias: number }> {
  let weight = 0
  let bias = 0
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    let gradWeight = 0
    let gradBias = 0
    let loss = 0
    data.x.forEach((x, i) => {
      const error = weight * x + bias - (data.y[i] ?? 0)
      gradWeight += (2 * error * x) / data.x.length
      gradBias += (2 * error) / data.x.length
      loss += (error * error) / data.x.length
    })
    await onEpoch(epoch, loss)
    weight -= learningRate * gradWeight
    bias -= learningRate * gradBias
  }
  return { weight, bias }
}

const data = makeData(200)
await setExperiment('training-loop-example')
const best = await withRun(
  async (parent) => {
    await setTags({ purpose: 'learning-rate sweep' })
    await logParams({ epochs: EPOCHS, samples: data.x.length })
    let bestLoss = Number.POSITIVE_INFINITY
    for (const learningRate of LEARNING_RATES) {
      await withRun(
        async () => {
          await logParams({ learning_rate: learningRate })
          let last = Number.NaN
          const model = await fit(data, learningRate, async (epoch, loss) => {
            last = loss
            await logMetric('loss', loss, { step: epoch })
          })
          await logMetric('weight', model.weight)
          await logMetric('bias', model.bias)
          bestLoss = Math.min(bestLoss, last)
        },
        { runName: `lr-${learningRate}`, nested: true },
      )
    }
    await logMetric('best_loss', bestLoss)
    return { runId: parent.runId, bestLoss }
  },
  { runName: 'sweep' },
)
await flush()
console.log(`sweep run ${best.runId}: best loss ${best.bestLoss.toFixed(4)} over ${LEARNING_RATES.length} learning rates`)
