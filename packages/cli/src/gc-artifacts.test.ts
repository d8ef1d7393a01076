import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { describeOutcome, removeExperimentArtifacts, removeRunArtifacts } from './gc-artifacts.ts'

// The safety rules on local disk, where each case costs a folder rather than a spawned binary; the
// same rules on S3 are exercised against moto in test/gc-s3.test.ts.

const RUN = '0123456789abcdef0123456789abcdef'

describe('gc artifact rules', () => {
  let root: string
  let destination: string
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'orchard-gc-rules-'))
    destination = join(root, 'artifacts')
  })
  after(() => rm(root, { recursive: true, force: true }))

  async function file(...segments: string[]) {
    const path = join(...segments)
    await mkdir(join(path, '..'), { recursive: true })
    await writeFile(path, 'x')
    return path
  }

  it('finds an http(s) proxy URI under the destination, as a mlflow-artifacts: one', async () => {
    const kept = await file(destination, '3', 'other-run', 'artifacts', 'a.txt')
    const doomed = await file(destination, '3', RUN, 'artifacts', 'model', 'w.bin')
    const outcome = await removeRunArtifacts(RUN, `https://tracking.example/api/2.0/mlflow-artifacts/artifacts/3/${RUN}/artifacts`, destination)
    assert.deepEqual(outcome, { kind: 'deleted', location: join(destination, '3', RUN, 'artifacts') })
    assert.ok(!existsSync(doomed))
    assert.ok(!existsSync(join(destination, '3', RUN)), 'the emptied run folder goes too')
    assert.ok(existsSync(kept))
  })

  it('keeps run artifacts that a symbolic link leads out of the run folder or the destination', async () => {
    const outside = join(root, 'outside')
    const precious = await file(outside, 'artifacts', 'precious.txt')
    // The run folder itself is a link out.
    await mkdir(join(destination, '4'), { recursive: true })
    await symlink(outside, join(destination, '4', RUN))
    const viaRunFolder = await removeRunArtifacts(RUN, `mlflow-artifacts:/4/${RUN}/artifacts`, destination)
    assert.deepEqual(viaRunFolder, { kind: 'kept', location: join(destination, '4', RUN, 'artifacts'), reason: 'a symbolic link in its path leads elsewhere' })
    // A folder above the run folder, inside the destination, is a link out.
    await mkdir(join(outside, 'exp', RUN, 'artifacts'), { recursive: true })
    const alsoPrecious = await file(outside, 'exp', RUN, 'artifacts', 'b.txt')
    await symlink(join(outside, 'exp'), join(destination, '5'))
    const viaExperiment = await removeRunArtifacts(RUN, `mlflow-artifacts:/5/${RUN}/artifacts`, destination)
    assert.deepEqual(viaExperiment, { kind: 'kept', location: join(destination, '5', RUN, 'artifacts'), reason: 'a symbolic link leads it out of the artifacts destination' })
    // A location the user chose, whose run folder is a link.
    await mkdir(join(root, 'direct'), { recursive: true })
    await symlink(outside, join(root, 'direct', RUN))
    const direct = await removeRunArtifacts(RUN, join(root, 'direct', RUN, 'artifacts'), destination)
    assert.equal(direct.kind, 'kept')
    assert.ok(existsSync(precious) && existsSync(alsoPrecious))
  })

  it('keeps a proxied path that would climb out of the destination', async () => {
    const outside = await file(root, RUN, 'artifacts', 'a.txt')
    const outcome = await removeRunArtifacts(RUN, `mlflow-artifacts:/../${RUN}/artifacts`, destination)
    assert.deepEqual(outcome, { kind: 'kept', location: `mlflow-artifacts:/../${RUN}/artifacts`, reason: 'it would resolve outside the artifacts destination' })
    assert.ok(existsSync(outside))
  })

  it('keeps a proxied run whose only folder named after it is the destination itself or above', async () => {
    const shared = join(root, RUN, 'dest')
    const precious = await file(shared, 'artifacts', 'a.txt')
    const outcome = await removeRunArtifacts(RUN, 'mlflow-artifacts:/artifacts', shared)
    assert.equal(outcome.kind, 'kept')
    assert.equal(describeOutcome(outcome), `kept ${join(shared, 'artifacts')} (the run folder is not inside the artifacts destination)`)
    assert.ok(existsSync(precious))
  })

  it('reports a run with nothing stored as none, and a scheme without a path as kept', async () => {
    assert.deepEqual(await removeRunArtifacts(RUN, `mlflow-artifacts:/9/${RUN}/artifacts`, destination), {
      kind: 'absent',
      location: join(destination, '9', RUN, 'artifacts'),
    })
    assert.deepEqual(await removeRunArtifacts(RUN, `urn:${RUN}`, destination), {
      kind: 'kept',
      location: `urn:${RUN}`,
      reason: "'urn:' URIs have no path gc can check",
    })
  })

  it('deletes an experiment folder named after it inside the destination, and elsewhere only an empty one', async () => {
    const owned = join(destination, '12')
    await file(owned, 'notes.txt')
    assert.deepEqual(await removeExperimentArtifacts('12', 'mlflow-artifacts:/12', destination), { kind: 'deleted', location: owned })
    assert.ok(!existsSync(owned))

    // Named after another experiment: not this one's to take, whatever it holds.
    const foreign = join(destination, '13')
    await file(foreign, 'notes.txt')
    assert.equal((await removeExperimentArtifacts('12', foreign, destination)).kind, 'kept')
    assert.ok(existsSync(join(foreign, 'notes.txt')))

    const chosen = join(root, 'chosen')
    await mkdir(chosen)
    assert.deepEqual(await removeExperimentArtifacts('14', `file://${chosen}`, destination), { kind: 'deleted', location: chosen })
    assert.ok(!existsSync(chosen))
  })
})
