// Load the model a model URI names, as a serving process would.
// Usage: node --import tsx examples/registry-walkthrough/serve.ts [models:/fraud-detector/Production]
import { OrchardClient } from '@orchard/sdk'

const uri = process.argv[2] ?? 'models:/fraud-detector/Production'
const client = new OrchardClient()
try {
  const { modelVersion, artifactUri } = await client.resolveModelUri(uri)
  const path = artifactUri.replace(/^mlflow-artifacts:\/*/, '')
  const response = await fetch(`${client.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${path}/model.json`)
  if (!response.ok) throw new Error(`reading ${artifactUri}/model.json failed: ${response.status}`)
  const { weights } = (await response.json()) as { weights: number[] }
  console.log(`${uri} is version ${modelVersion?.version} (${modelVersion?.currentStage}), weights ${weights.join(', ')}`)
} finally {
  await client.close()
}
