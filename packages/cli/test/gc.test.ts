import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openTrackingStore } from '@orchard/store'
import { orchard, STACK_FRAME, tempDir } from './harness.ts'

// The store is opened here exactly as `orchard server` opens it by default (cwd/mlruns, proxied
// artifacts), so `orchard gc` run with no flags from the same directory finds everything.
describe('orchard gc', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let databaseUri: string
  let destination: string
  before(async () => {
    dir = await tempDir()
    await mkdir(join(dir.path, 'mlruns'))
    databaseUri = `sqlite:///${join(dir.path, 'mlruns', 'orchard.db')}`
    destination = join(dir.path, 'mlruns', 'artifacts')
  })
  after(() => dir.remove())

  /** An experiment with one run that has a logged file, then deleted. */
  async function deletedExperiment(name: string, artifactLocation?: string) {
    const store = await openTrackingStore(databaseUri, { defaultArtifactRoot: 'mlflow-artifacts:/' })
    try {
      const experimentId = await store.createExperiment({ name, ...(artifactLocation ? { artifactLocation } : {}) })
      const run = await store.createRun({ experimentId })
      const experiment = await store.getExperiment(experimentId)
      await store.deleteExperiment(experimentId)
      return { experimentId, runId: run.info.runId, artifactUri: run.info.artifactUri, artifactLocation: experiment.artifactLocation }
    } finally {
      await store.close()
    }
  }

  const proxiedPath = (uri: string) => join(destination, uri.replace(/^mlflow-artifacts:\/*/, ''))

  it('removes a deleted experiment, its runs and their artifacts, after which the name is free again', async () => {
    const { experimentId, runId, artifactUri, artifactLocation } = await deletedExperiment('churn')
    const runArtifacts = proxiedPath(artifactUri)
    await mkdir(join(runArtifacts, 'model'), { recursive: true })
    await writeFile(join(runArtifacts, 'model', 'weights.bin'), 'w')

    const tooYoung = await orchard(dir.path, ['gc', '--older-than', '1d'])
    assert.equal(tooYoung.code, 0, tooYoung.stderr)
    assert.equal(tooYoung.stdout, 'nothing to remove\n')
    assert.ok(existsSync(runArtifacts))

    const gc = await orchard(dir.path, ['gc'])
    assert.equal(gc.code, 0, gc.stderr)
    assert.match(gc.stdout, new RegExp(`^removed run ${runId}; artifacts: deleted ${runArtifacts}$`, 'm'))
    assert.match(gc.stdout, new RegExp(`^removed experiment ${experimentId}; artifacts: deleted ${proxiedPath(artifactLocation)}$`, 'm'))
    assert.match(gc.stdout, /^removed 1 run and 1 experiment$/m)
    assert.ok(!existsSync(runArtifacts))
    assert.ok(!existsSync(proxiedPath(artifactLocation)))
    assert.ok(existsSync(destination), 'the destination itself stays')

    const again = await orchard(dir.path, ['experiments', 'create', '--experiment-name', 'churn', '--tracking-uri', databaseUri])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /^Created experiment \d+ 'churn'\n$/)
  })

  it('deletes only inside the run folder when the experiment lives in a folder of the user', async () => {
    const shared = join(dir.path, 'shared')
    const { experimentId, runId, artifactUri } = await deletedExperiment('custom', shared)
    const runArtifacts = artifactUri.replace(/^file:\/\//, '')
    await mkdir(runArtifacts, { recursive: true })
    await writeFile(join(runArtifacts, 'a.txt'), 'a')
    await writeFile(join(shared, 'keep.txt'), 'not gc business')

    const gc = await orchard(dir.path, ['gc', '--experiment-ids', experimentId])
    assert.equal(gc.code, 0, gc.stderr)
    assert.match(gc.stdout, new RegExp(`^removed run ${runId}; artifacts: deleted ${runArtifacts}$`, 'm'))
    assert.match(gc.stdout, new RegExp(`^removed experiment ${experimentId}; artifacts: kept ${shared} \\(it is outside`, 'm'))
    assert.ok(!existsSync(runArtifacts))
    assert.ok(existsSync(join(shared, 'keep.txt')))
  })

  it('refuses to run where there is no database rather than creating one', async () => {
    const elsewhere = await tempDir()
    try {
      const gc = await orchard(elsewhere.path, ['gc'])
      assert.equal(gc.code, 1)
      assert.equal(
        gc.stderr,
        `error: no tracking database at ${join(elsewhere.path, 'mlruns', 'orchard.db')}; pass the server's --backend-store-uri\n`,
      )
    } finally {
      await elsewhere.remove()
    }
  })

  it('reports store errors as one line and exit code 1', async () => {
    const gc = await orchard(dir.path, ['gc', '--experiment-ids', '987654'])
    assert.equal(gc.code, 1)
    assert.match(gc.stderr, /^error: .+\n$/)
    assert.doesNotMatch(gc.stderr, STACK_FRAME)
  })
})
