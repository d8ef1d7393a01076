// An experiment's artifact_location must lie under the server's roots or its allow-list: no /etc,
// no ../../, no /proc/self, so that upload-artifact can never be aimed at them.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { assertRefused, openHostileApp } from './hostile-harness.ts'
import type { HostileApp } from './hostile-harness.ts'

describe('experiment artifact locations', () => {
  let h: HostileApp
  let allowed: string
  before(async () => {
    h = await openHostileApp('sqlite', { allowedArtifactLocations: ['s3://team-bucket/mlflow'] })
    // The app's artifacts destination: one of the server's own roots.
    allowed = join(h.dir, 'artifacts')
  })
  after(() => h.close())

  const create = (name: string, artifactLocation: string) => h.send('POST', 'experiments/create', { name, artifact_location: artifactLocation })

  it('refuses locations outside the roots and the allow-list', async () => {
    const refused = [
      '/etc',
      '../../',
      '..',
      '/proc/self',
      'file:///etc',
      'file:/etc/passwd',
      `${allowed}/../escape`,
      `${allowed}-sibling`,
      's3://other-bucket/x',
      's3://team-bucket/mlflow-other',
      's3://team-bucket/mlflow/../../x',
      'gs://team-bucket/mlflow',
      'constructor:x',
    ]
    for (const [i, location] of refused.entries()) {
      assertRefused(await create(`refused-${i}`, location), 400, 'INVALID_PARAMETER_VALUE', /not allowed|Invalid artifact path/, location)
    }
    assertRefused(await create('proxied-escape', 'mlflow-artifacts:/../../etc'), 400, 'INVALID_PARAMETER_VALUE', "'..'", 'proxied')
  })

  it('accepts locations under the artifacts destination, the allow-list, and proxied ones', async () => {
    for (const [i, location] of [join(allowed, 'team'), `file://${join(allowed, 'other')}`, 's3://team-bucket/mlflow', 's3://team-bucket/mlflow/7', 'mlflow-artifacts:/custom'].entries()) {
      const reply = await create(`accepted-${i}`, location)
      assert.equal(reply.status, 200, `${location}: ${reply.text}`)
    }
  })

})
