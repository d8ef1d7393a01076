import { describe } from 'node:test'
import { describeDatasets } from './suite/datasets.ts'
import { describeExperimentSearch } from './suite/experiment-search.ts'
import { describeExperiments } from './suite/experiments.ts'
import { describeGarbageCollect } from './suite/garbage-collect.ts'
import { describeLoggedModels } from './suite/logged-models.ts'
import type { StoreHarness } from './suite/harness.ts'
import { describeMetricBuckets } from './suite/metric-buckets.ts'
import { describeMetricChunks } from './suite/metric-chunks.ts'
import { describeMetrics } from './suite/metrics.ts'
import { describeMigrations } from './suite/migrations.ts'
import { describeMoveRuns } from './suite/move-runs.ts'
import { describeRunSearch } from './suite/run-search.ts'
import { describeRunWireJson } from './suite/run-wire-json.ts'
import { describeRuns } from './suite/runs.ts'

export type { StoreHarness } from './suite/harness.ts'

/** The TrackingStore conformance suite: every database implementation must pass all of it. */
export function describeTrackingStore(name: string, harness: StoreHarness): void {
  describe(`TrackingStore on ${name}`, () => {
    describeExperiments(harness)
    describeExperimentSearch(harness)
    describeRuns(harness)
    describeMoveRuns(harness)
    describeMetrics(harness)
    describeMetricBuckets(harness)
    describeMetricChunks(harness)
    describeRunSearch(harness)
    describeRunWireJson(harness)
    describeDatasets(harness)
    describeLoggedModels(harness)
    describeGarbageCollect(harness)
    describeMigrations(harness)
  })
}
