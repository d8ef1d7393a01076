import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { dirname } from 'node:path'
import { afterEach, beforeEach, test } from 'node:test'
import { FluentSession } from '../../src/fluent/fluent.ts'
import type { SuiteContext } from './context.ts'
import { rejectsWith, uniqueName } from '../harness.ts'

const tagOf = (tags: readonly { key: string; value: string }[], key: string) => tags.find((t) => t.key === key)?.value

function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(process.argv[1] ?? '.'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

export function describeFluent(ctx: SuiteContext): void {
  let fluent: FluentSession

  beforeEach(() => {
    fluent = new FluentSession({ retry: { maxRetries: 0 } })
    fluent.setTrackingUri(ctx.target.trackingUri)
  })
  afterEach(async () => {
    while (fluent.activeRun()) await fluent.endRun()
    await (await fluent.getClient()).close()
  })

  test('setExperiment creates a missing experiment once and makes it active', async () => {
    const name = uniqueName('fluent')
    const created = await fluent.setExperiment(name)
    const again = await fluent.setExperiment(name)
    assert.equal(again.experimentId, created.experimentId)
    const run = await fluent.startRun()
    assert.equal(run.experimentId, created.experimentId)
  })

  test('onActiveRun gives the artifact helpers the active run', async () => {
    await fluent.setExperiment(uniqueName('fluent-artifacts'))
    const run = await fluent.startRun()
    await fluent.onActiveRun((client, runId) => client.logText(runId, 'hello', 'notes/hello.txt'))
    const client = await fluent.getClient()
    assert.deepEqual(await client.listArtifacts(run.runId, 'notes'), [{ path: 'notes/hello.txt', isDir: false, fileSize: 5 }])
  })

  test('setExperiment on a deleted experiment is INVALID_PARAMETER_VALUE', async () => {
    const name = uniqueName('deleted')
    await ctx.client.deleteExperiment(await ctx.client.createExperiment(name))
    await rejectsWith(fluent.setExperiment(name), 'INVALID_PARAMETER_VALUE', 'deleted experiment')
  })

  test('startRun puts MLflow system tags on the run', async () => {
    await fluent.setExperiment(uniqueName('tags'))
    const active = await fluent.startRun({ runName: 'with-tags', tags: { model: 'tree' } })
    const run = await ctx.client.getRun(active.runId)
    const tags = run.data.tags
    assert.equal(tagOf(tags, 'mlflow.runName'), 'with-tags')
    assert.equal(tagOf(tags, 'mlflow.source.type'), 'LOCAL')
    assert.equal(tagOf(tags, 'mlflow.source.name'), process.argv[1])
    assert.ok(tagOf(tags, 'mlflow.user'))
    assert.equal(run.info.userId, tagOf(tags, 'mlflow.user'))
    assert.equal(tagOf(tags, 'model'), 'tree')
    assert.equal(tagOf(tags, 'mlflow.source.git.commit'), headCommit())
  })

  test('an unnamed run carries its generated name in mlflow.runName', async () => {
    const active = await fluent.startRun()
    const run = await ctx.client.getRun(active.runId)
    assert.equal(tagOf(run.data.tags, 'mlflow.runName'), run.info.runName)
  })

  test('a nested run is tagged with its parent, and a second top-level run is refused', async () => {
    const parent = await fluent.startRun({ runName: 'parent' })
    await rejectsWith(fluent.startRun(), 'BAD_REQUEST', 'already active')
    const child = await fluent.startRun({ runName: 'child', nested: true })
    assert.equal(child.parentRunId, parent.runId)
    assert.equal(fluent.activeRun()?.runId, child.runId)
    await fluent.endRun()
    assert.equal(fluent.activeRun()?.runId, parent.runId)
    const read = await ctx.client.getRun(child.runId)
    assert.equal(tagOf(read.data.tags, 'mlflow.parentRunId'), parent.runId)
    assert.equal(read.info.status, 'FINISHED')
  })

  test('withRun ends the run FINISHED and returns what the function returns', async () => {
    let runId = ''
    const result = await fluent.withRun(async (run) => {
      runId = run.runId
      await fluent.logParams({ depth: 6, lr: 0.1 })
      for (let step = 0; step < 50; step++) await fluent.logMetric('loss', 1 / (step + 1), { step })
      await fluent.logMetrics({ accuracy: 0.9, f1: 0.8 }, { step: 49 })
      await fluent.setTags({ stage: 'test' })
      await fluent.setTag('owner', 'ana')
      return 42
    })
    assert.equal(result, 42)
    assert.equal(fluent.activeRun(), undefined)
    const run = await ctx.client.getRun(runId)
    assert.equal(run.info.status, 'FINISHED')
    assert.equal(run.data.params.length, 2)
    assert.equal((await ctx.client.getMetricHistory(runId, 'loss')).length, 50)
    assert.equal(tagOf(run.data.tags, 'stage'), 'test')
    assert.equal(tagOf(run.data.tags, 'owner'), 'ana')
    assert.equal(run.data.metrics.find((m) => m.key === 'f1')?.step, 49)
  })

  test('withRun ends the run FAILED when the function throws, and rethrows', async () => {
    let runId = ''
    const boom = new Error('boom')
    await assert.rejects(
      fluent.withRun((run) => {
        runId = run.runId
        throw boom
      }),
      (error) => error === boom,
    )
    assert.equal((await ctx.client.getRun(runId)).info.status, 'FAILED')
    assert.equal(fluent.activeRun(), undefined)
  })

  test('logging with no active run starts one, as MLflow does', async () => {
    await fluent.logParam('auto', 'yes')
    const active = fluent.activeRun()
    assert.ok(active)
    await fluent.endRun('KILLED')
    const run = await ctx.client.getRun(active.runId)
    assert.equal(run.info.status, 'KILLED')
    assert.equal(tagOf(run.data.params, 'auto'), 'yes')
  })

  test('changing the tracking URI while a run is active is refused', async () => {
    await fluent.startRun()
    assert.throws(() => fluent.setTrackingUri('./elsewhere'), /active/)
  })

  test('two sessions setting the same new experiment at once agree on one experiment', async () => {
    const other = new FluentSession({ retry: { maxRetries: 0 } })
    other.setTrackingUri(ctx.target.trackingUri)
    const name = uniqueName('race')
    const [a, b] = await Promise.all([fluent.setExperiment(name), other.setExperiment(name)])
    assert.equal(a.experimentId, b.experimentId)
    await (await other.getClient()).close()
  })

  test('the experiment comes from MLFLOW_EXPERIMENT_NAME when none was set', async () => {
    const name = uniqueName('from-env')
    process.env.MLFLOW_EXPERIMENT_NAME = name
    try {
      const run = await fluent.startRun()
      assert.equal(run.experimentId, (await ctx.client.getExperimentByName(name))?.experimentId)
    } finally {
      delete process.env.MLFLOW_EXPERIMENT_NAME
    }
  })

  test('startRun with a runId resumes that run, RUNNING again', async () => {
    const experimentId = await ctx.client.createExperiment(uniqueName('resume'))
    const finished = await ctx.client.createRun(experimentId)
    await ctx.client.setTerminated(finished.info.runId)
    const resumed = await fluent.startRun({ runId: finished.info.runId })
    assert.equal(resumed.runId, finished.info.runId)
    assert.equal((await ctx.client.getRun(resumed.runId)).info.status, 'RUNNING')
  })

  test('withRun ends runs that the function left open inside it, and leaves alone a run it ended', async () => {
    let inner = ''
    await fluent.withRun(async () => {
      inner = (await fluent.startRun({ nested: true })).runId
    })
    assert.equal((await ctx.client.getRun(inner)).info.status, 'FINISHED')
    let own = ''
    await fluent.withRun(async (run) => {
      own = run.runId
      await fluent.endRun('KILLED')
    })
    assert.equal((await ctx.client.getRun(own)).info.status, 'KILLED')
    assert.equal(fluent.activeRun(), undefined)
  })

  test('when the run cannot be ended FAILED either, withRun rejects with both errors', async () => {
    const boom = new Error('boom')
    await assert.rejects(
      fluent.withRun(async (run) => {
        await ctx.client.deleteRun(run.runId)
        throw boom
      }),
      (error: unknown) => {
        assert.ok(error instanceof AggregateError)
        assert.equal(error.errors[0], boom)
        assert.equal((error.errors[1] as { code?: string }).code, 'INVALID_PARAMETER_VALUE')
        return true
      },
    )
    assert.equal(fluent.activeRun(), undefined)
  })

  test('a run that cannot be ended FINISHED makes withRun reject', async () => {
    await rejectsWith(
      fluent.withRun((run) => ctx.client.deleteRun(run.runId)),
      'INVALID_PARAMETER_VALUE',
    )
  })

  test('metrics that fail to send before a tracking URI change are thrown by the next fluent call', async () => {
    const runId = (await ctx.client.createRun('0')).info.runId
    await ctx.client.deleteRun(runId)
    const client = await fluent.getClient()
    await client.logMetric(runId, 'loss', 1)
    fluent.setTrackingUri(ctx.target.trackingUri)
    await rejectsWith(fluent.setExperiment(uniqueName('after-switch')), 'INVALID_PARAMETER_VALUE')
    await fluent.setExperiment(uniqueName('after-switch'))
  })
}
