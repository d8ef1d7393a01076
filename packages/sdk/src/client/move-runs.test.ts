// OrchardClient.moveRuns on an embedded store (the REST side is driven by the UI's browser test):
// the same checks as the server's orchard/runs/move.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { OrchardClient } from '../orchard-client.ts'

describe('OrchardClient.moveRuns (embedded)', () => {
  let dir: string
  let client: OrchardClient
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-move-runs-'))
    client = new OrchardClient(join(dir, 'store'), { batching: false })
  })
  after(async () => {
    await client.close()
    await rm(dir, { recursive: true, force: true })
  })

  const refused = (fragment: string) => (error: unknown) => isOrchardError(error) && error.code === 'INVALID_PARAMETER_VALUE' && error.message.includes(fragment)

  it('moves runs, keeping their artifact_uri, and refuses an empty or malformed request', async () => {
    const from = await client.createExperiment('from')
    const to = await client.createExperiment('to')
    const run = await client.createRun(from)
    await client.moveRuns([run.info.runId], to)
    const moved = await client.getRun(run.info.runId)
    assert.equal(moved.info.experimentId, to)
    assert.equal(moved.info.artifactUri, run.info.artifactUri)
    await assert.rejects(client.moveRuns([], to), refused('must specify at least one run_id'))
    await assert.rejects(client.moveRuns(Array.from({ length: 1001 }, () => run.info.runId), from), refused('cannot specify more than 1000 run_ids'))
    await assert.rejects(client.moveRuns(['../x'], from), (error: unknown) => isOrchardError(error) && error.code === 'INVALID_PARAMETER_VALUE')
    assert.equal((await client.getRun(run.info.runId)).info.experimentId, to)
  })
})
