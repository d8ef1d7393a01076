import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'node:test'
import { isOrchardError } from '@orchard/protocol/base'
import { embeddedTarget, openEmbeddedTransport } from './open-embedded.ts'

test('a folder path means <folder>/orchard.db, relative to the working directory', () => {
  assert.deepEqual(embeddedTarget('./mlruns', '/work'), { storeUri: 'sqlite:////work/mlruns/orchard.db', folder: '/work/mlruns' })
  assert.deepEqual(embeddedTarget('/data/runs', '/work'), { storeUri: 'sqlite:////data/runs/orchard.db', folder: '/data/runs' })
})

test('a file: URI is a folder too', () => {
  assert.equal(embeddedTarget(pathToFileURL('/data/runs').href).storeUri, 'sqlite:////data/runs/orchard.db')
})

test('database URIs are passed to the store as they are', () => {
  assert.deepEqual(embeddedTarget('sqlite:///runs.db'), { storeUri: 'sqlite:///runs.db' })
  assert.deepEqual(embeddedTarget('postgresql://orchard@db/orchard'), { storeUri: 'postgresql://orchard@db/orchard' })
  assert.deepEqual(embeddedTarget('postgres+psycopg2://u@h/d'), { storeUri: 'postgres+psycopg2://u@h/d' })
})

test('any other scheme is INVALID_PARAMETER_VALUE', () => {
  assert.throws(
    () => embeddedTarget('databricks://profile'),
    (error: unknown) => isOrchardError(error) && error.code === 'INVALID_PARAMETER_VALUE' && error.message.includes("'databricks://profile'"),
  )
})

test('opening a folder creates it with the database, and experiments put artifacts in <folder>/artifacts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-folder-'))
  try {
    const folder = join(dir, 'nested', 'mlruns')
    const transport = await openEmbeddedTransport(folder)
    try {
      assert.ok(existsSync(join(folder, 'orchard.db')))
      const experiment = await transport.getExperiment(await transport.createExperiment({ name: 'e' }))
      assert.ok(experiment.artifactLocation.includes(join(folder, 'artifacts')), experiment.artifactLocation)
    } finally {
      await transport.close()
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
