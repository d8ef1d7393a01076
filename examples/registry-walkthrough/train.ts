// Train a toy fraud model, log it to a run, store its file and register it as a new version of
// `fraud-detector`. Usage: node --import tsx examples/registry-walkthrough/train.ts <C>
import { endRun, logDict, logMetric, logParams, registerModel, setExperiment, startRun } from '@orchard/sdk'

const regularization = Number(process.argv[2] ?? '0.1')
await setExperiment('fraud-walkthrough')
const run = await startRun({ runName: `logreg-C${regularization}` })

// A stand-in for real training: the model is a weight vector, its quality a curve.
const weights = [0.8, -1.2, 0.05].map((w) => Number((w / (1 + regularization)).toFixed(3)))
await logParams({ C: regularization, features: weights.length })
for (let epoch = 0; epoch < 10; epoch++) await logMetric('auc', 0.8 + 0.01 * epoch - 0.02 * regularization, { step: epoch })

// The file goes under the run's artifact URI (through the server's proxy for mlflow-artifacts:/ roots).
await logDict({ weights }, 'model/model.json')
await endRun()

// Creates the registered model on first use, then adds a version and waits until it is READY.
const version = await registerModel(`runs:/${run.runId}/model`, 'fraud-detector', { tags: { C: String(regularization) } })
console.log(`registered fraud-detector version ${version.version} from run ${run.runId}`)
