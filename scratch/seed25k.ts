import { openTrackingStore } from '@orchard/store'
import { seedSearchScaleRuns } from '../bench/seed-runs.ts'
let seed = 7
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
const store = await openTrackingStore('sqlite:////tmp/s25k/orchard.db', { defaultArtifactRoot: '/tmp/s25k/a' })
const id = await store.createExperiment({ name: 'p' })
await seedSearchScaleRuns(store, id, 0, 25000, rand)
console.log('experiment', id)
await store.close()
