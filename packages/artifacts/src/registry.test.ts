import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { LocalArtifactRepository } from './local/local-repository.ts'
import { listArtifactsAt, openArtifactRepository, proxiedArtifactPath } from './registry.ts'
import { LazyS3Repository } from './s3/lazy-s3-repository.ts'

describe('openArtifactRepository', () => {
  it('opens file: URIs, absolute and relative paths as local folders', () => {
    for (const uri of ['file:///data/mlruns', 'file:/data/mlruns', '/data/mlruns', 'file://localhost/data/mlruns']) {
      const repository = openArtifactRepository(uri)
      assert.ok(repository instanceof LocalArtifactRepository, uri)
      assert.equal(repository.uri, uri)
    }
    assert.ok(openArtifactRepository('mlruns/0') instanceof LocalArtifactRepository)
  })

  it('opens s3:// URIs on S3 and keeps the prefix', () => {
    const repository = openArtifactRepository('s3://bucket/some/prefix/')
    assert.ok(repository instanceof LazyS3Repository)
    assert.equal(repository.child('0/run').uri, 's3://bucket/some/prefix/0/run')
  })

  it('resolves mlflow-artifacts: URIs inside the destination', () => {
    const repository = openArtifactRepository('mlflow-artifacts:/0/abc/artifacts', { mlflowArtifacts: '/srv/artifacts' })
    assert.equal(repository.uri, 'file:///srv/artifacts/0/abc/artifacts')
    const s3 = openArtifactRepository('mlflow-artifacts://host:5000/0/abc/artifacts', { mlflowArtifacts: 's3://bucket/root' })
    assert.equal(s3.uri, 's3://bucket/root/0/abc/artifacts')
  })

  it('refuses mlflow-artifacts: URIs when no proxy destination is configured', () => {
    assert.throws(() => openArtifactRepository('mlflow-artifacts:/0/abc'), { code: 'NOT_IMPLEMENTED', message: /artifact proxy/ })
  })

  it('refuses schemes it has no store for', () => {
    assert.throws(() => openArtifactRepository('gs://bucket/x'), { code: 'NOT_IMPLEMENTED', message: /'gs:'/ })
  })

  it('refuses malformed locations', () => {
    assert.throws(() => openArtifactRepository('s3://'), { code: 'INVALID_PARAMETER_VALUE', message: /Not an S3 URI/ })
    assert.throws(() => openArtifactRepository('file://remote-host/x'), { code: 'INVALID_PARAMETER_VALUE', message: /Invalid file URI/ })
    assert.throws(() => openArtifactRepository(''), { code: 'INVALID_PARAMETER_VALUE' })
  })
})

describe('proxiedArtifactPath', () => {
  it('takes the path of mlflow-artifacts: URIs, with or without a host', () => {
    assert.equal(proxiedArtifactPath('mlflow-artifacts:/0/abc/artifacts'), '0/abc/artifacts')
    assert.equal(proxiedArtifactPath('mlflow-artifacts://host:5000/0/abc/artifacts'), '0/abc/artifacts')
    assert.equal(proxiedArtifactPath('mlflow-artifacts:/'), '')
  })

  it('takes what follows the route anchor of an http(s) proxy URL', () => {
    assert.equal(proxiedArtifactPath('http://h:5000/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts'), '0/abc/artifacts')
    assert.equal(proxiedArtifactPath('https://h/api/2.0/mlflow/runs'), undefined)
    assert.equal(proxiedArtifactPath('s3://bucket/x'), undefined)
  })

  it('refuses proxied URIs that would climb out of the destination instead of resolving them', () => {
    for (const uri of ['mlflow-artifacts:/../../etc', 'mlflow-artifacts:/0/%2e%2e/%2e%2e/x', 'http://h/api/2.0/mlflow-artifacts/artifacts/../x']) {
      assert.throws(() => proxiedArtifactPath(uri), { code: 'INVALID_PARAMETER_VALUE' }, uri)
    }
  })
})

describe('listArtifactsAt', () => {
  it('lists a run artifact URI through the destination, relative to the run root', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orchard-registry-'))
    try {
      await new LocalArtifactRepository(dir).writeArtifact('0/abc/artifacts/model/MLmodel', 'x')
      assert.deepEqual(await listArtifactsAt('mlflow-artifacts:/0/abc/artifacts', undefined, { mlflowArtifacts: dir }), [{ path: 'model', isDir: true }])
      assert.deepEqual(await listArtifactsAt(`file://${dir}/0/abc/artifacts`, 'model'), [{ path: 'model/MLmodel', isDir: false, fileSize: 1 }])
      assert.deepEqual(await listArtifactsAt(`${dir}/0/abc/artifacts`, 'missing'), [])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
