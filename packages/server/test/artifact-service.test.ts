import assert from 'node:assert/strict'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { MULTIPART_UNSUPPORTED_MESSAGE } from '@orchard/protocol'
import { expectErrorReply, openArtifactTestApp } from './artifact-service-harness.ts'
import type { ArtifactTestApp } from './artifact-service-harness.ts'

const API = '/api/2.0/mlflow-artifacts'

describe('artifact proxy: upload, download, list, delete (local destination)', () => {
  let t: ArtifactTestApp
  before(async () => {
    t = await openArtifactTestApp()
  })
  after(() => t.close())

  const put = (path: string, body: BodyInit, prefix = API) => t.fetch(`${prefix}/artifacts/${path}`, { method: 'PUT', body })

  it('stores a PUT body at the path and answers {} as MLflow', async () => {
    const response = await put('0/run/artifacts/notes.txt', 'hello artifacts')
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), {})
    assert.equal(await readFile(join(t.artifactsDir, '0/run/artifacts/notes.txt'), 'utf8'), 'hello artifacts')
  })

  it('streams a file back as an attachment with MLflow headers, length and ranges', async () => {
    await put('dl/notes.txt', 'hello artifacts')
    const response = await t.fetch(`${API}/artifacts/dl/notes.txt`)
    assert.equal(response.status, 200)
    assert.equal(await response.text(), 'hello artifacts')
    assert.equal(response.headers.get('content-type'), 'text/plain')
    assert.equal(response.headers.get('content-disposition'), 'attachment; filename=notes.txt')
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(response.headers.get('content-length'), '15')
    assert.equal(response.headers.get('accept-ranges'), 'bytes')
    assert.ok(response.headers.get('last-modified'))
  })

  it('answers a Range with 206 and Content-Range, and an unsatisfiable one with 416', async () => {
    await put('range/digits.bin', '0123456789')
    const get = (range: string, extra: Record<string, string> = {}) => t.fetch(`${API}/artifacts/range/digits.bin`, { headers: { range, ...extra } })
    const partial = await get('bytes=2-5')
    assert.equal(partial.status, 206)
    assert.equal(partial.headers.get('content-range'), 'bytes 2-5/10')
    assert.equal(partial.headers.get('content-length'), '4')
    assert.equal(await partial.text(), '2345')
    const suffix = await get('bytes=-3')
    assert.equal(suffix.status, 206)
    assert.equal(await suffix.text(), '789')
    const beyond = await get('bytes=10-')
    assert.equal(beyond.status, 416)
    assert.equal(beyond.headers.get('content-range'), 'bytes */10')
    const refusal = (await beyond.json()) as { error_code: string; message: string }
    assert.equal(refusal.error_code, 'BAD_REQUEST')
    assert.match(refusal.message, /cannot be satisfied: the file has 10 bytes/)
    const several = await get('bytes=0-1,4-5')
    assert.equal(several.status, 200)
    assert.equal(await several.text(), '0123456789')
    const conditional = await get('bytes=0-1', { 'if-range': 'Wed, 21 Oct 2015 07:28:00 GMT' })
    assert.equal(conditional.status, 200)
    assert.equal(await conditional.text(), '0123456789')
  })

  it('answers HEAD with the headers and no body, and an empty file with an empty 200', async () => {
    await put('head/file.bin', 'abc')
    const head = await t.fetch(`${API}/artifacts/head/file.bin`, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-length'), '3')
    assert.equal(await head.text(), '')
    await put('head/empty.bin', '')
    const empty = await t.fetch(`${API}/artifacts/head/empty.bin`)
    assert.equal(empty.status, 200)
    assert.equal(empty.headers.get('content-length'), '0')
    assert.equal(await empty.text(), '')
  })

  it("sends MLflow's content types", async () => {
    const expected: Record<string, string> = {
      'plot.png': 'image/png',
      'photo.jpeg': 'image/jpeg',
      'figure.svg': 'image/svg+xml',
      'anim.gif': 'image/gif',
      'report.html': 'text/html',
      'metrics.json': 'text/plain',
      'conda.yaml': 'text/plain',
      'data.csv': 'text/plain',
      MLmodel: 'text/plain',
      'table.parquet': 'application/octet-stream',
    }
    for (const [name, type] of Object.entries(expected)) {
      await put(`types/${name}`, 'x')
      const response = await t.fetch(`${API}/artifacts/types/${name}`)
      await response.arrayBuffer()
      assert.equal(response.headers.get('content-type'), type, name)
    }
  })

  it('encodes names that are not header-safe in Content-Disposition', async () => {
    await put('names/r%C3%A9sultat%20final.txt', 'x')
    const response = await t.fetch(`${API}/artifacts/names/r%C3%A9sultat%20final.txt`)
    assert.equal(await response.text(), 'x')
    assert.equal(response.headers.get('content-disposition'), `attachment; filename="r_sultat final.txt"; filename*=UTF-8''r%C3%A9sultat%20final.txt`)
    assert.deepEqual(await readdir(join(t.artifactsDir, 'names')), ['résultat final.txt'])
  })

  it('answers RESOURCE_DOES_NOT_EXIST for a missing file or a folder', async () => {
    await put('missing/inside.txt', 'x')
    await expectErrorReply(await t.fetch(`${API}/artifacts/missing/nothing.txt`), 404, 'RESOURCE_DOES_NOT_EXIST', "Artifact 'missing/nothing.txt' does not exist")
    await expectErrorReply(await t.fetch(`${API}/artifacts/missing`), 404, 'RESOURCE_DOES_NOT_EXIST', 'it is a folder')
  })

  it('lists one level with basenames, sizes for files, and {} for a missing path', async () => {
    await put('list/model/MLmodel', 'flavors')
    await put('list/b.txt', '12')
    const listing = await t.fetch(`${API}/artifacts?path=list`)
    assert.deepEqual(await listing.json(), {
      files: [
        { path: 'b.txt', is_dir: false, file_size: 2 },
        { path: 'model', is_dir: true },
      ],
    })
    const nested = await t.fetch(`${API}/artifacts?${new URLSearchParams({ path: 'list/model' })}`)
    assert.deepEqual(await nested.json(), { files: [{ path: 'MLmodel', is_dir: false, file_size: 7 }] })
    assert.deepEqual(await (await t.fetch(`${API}/artifacts?path=no/such/folder`)).json(), {})
    const root = (await (await t.fetch(`${API}/artifacts`)).json()) as { files: { path: string }[] }
    assert.ok(root.files.some((f) => f.path === 'list'))
  })

  it('deletes a file or a folder and answers {}, but never the destination root', async () => {
    await put('del/model/a.bin', '1')
    await put('del/model.pkl', '2')
    await put('del/x.txt', '3')
    assert.deepEqual(await (await t.fetch(`${API}/artifacts/del/x.txt`, { method: 'DELETE' })).json(), {})
    assert.deepEqual(await (await t.fetch(`${API}/artifacts/del/model`, { method: 'DELETE' })).json(), {})
    assert.deepEqual(await readdir(join(t.artifactsDir, 'del')), ['model.pkl'])
    await expectErrorReply(await t.fetch(`${API}/artifacts/`, { method: 'DELETE' }), 400, 'INVALID_PARAMETER_VALUE', 'An artifact path is required')
  })

  it('refuses an upload without a file path, or through an existing file', async () => {
    await expectErrorReply(await put('', 'x'), 400, 'INVALID_PARAMETER_VALUE', 'An artifact path is required')
    await put('conflict/file.txt', 'x')
    await expectErrorReply(await put('conflict/file.txt/inner.txt', 'x'), 400, 'INVALID_PARAMETER_VALUE', 'a parent of it is a file')
  })

  it('refuses percent-encoding that does not decode', async () => {
    await expectErrorReply(await put('bad%E0%A4%A.txt', 'x'), 400, 'INVALID_PARAMETER_VALUE', 'not valid percent-encoding')
  })

  it('serves every route under /ajax-api/2.0 as well', async () => {
    const ajax = '/ajax-api/2.0/mlflow-artifacts'
    assert.equal((await put('ajax/f.txt', 'via ajax', ajax)).status, 200)
    assert.equal(await (await t.fetch(`${ajax}/artifacts/ajax/f.txt`)).text(), 'via ajax')
    assert.deepEqual(await (await t.fetch(`${ajax}/artifacts?path=ajax`)).json(), { files: [{ path: 'f.txt', is_dir: false, file_size: 8 }] })
    assert.deepEqual(await (await t.fetch(`${ajax}/artifacts/ajax/f.txt`, { method: 'DELETE' })).json(), {})
  })

  it('leaves nothing behind when the upload body fails midway', async () => {
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 3) controller.enqueue(new Uint8Array(64 * 1024))
        else controller.error(new Error('connection reset by peer'))
      },
    })
    const response = await t.fetch(`${API}/artifacts/interrupted/model.bin`, { method: 'PUT', body, duplex: 'half' } as RequestInit)
    assert.equal(response.status, 500)
    await response.arrayBuffer()
    assert.match(String(t.errors.at(-1)), /connection reset by peer/)
    await assert.rejects(readdir(join(t.artifactsDir, 'interrupted/model.bin')))
    assert.deepEqual(await readdir(join(t.artifactsDir, 'interrupted')), [])
  })
})

describe('artifact proxy: a run as the Python client drives it', () => {
  let t: ArtifactTestApp
  before(async () => {
    t = await openArtifactTestApp()
  })
  after(() => t.close())

  it('uploads into the run root, lists through both list APIs, downloads and deletes', async () => {
    const { runId, artifactUri, proxyPath } = await t.createRun()
    assert.equal(artifactUri, `mlflow-artifacts:/0/${runId}/artifacts`)
    // HttpArtifactRepository.log_artifact: PUT <root>/<artifact_path>/<file name>, Content-Type guessed.
    const upload = await t.fetch(`${proxyPath}/model/MLmodel`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'flavors: {}\n' })
    assert.equal(upload.status, 200)
    // list_artifacts: GET /mlflow-artifacts/artifacts?path=<root>/<path>; entries come back as basenames.
    const proxied = await t.fetch(`/api/2.0/mlflow-artifacts/artifacts?${new URLSearchParams({ path: `0/${runId}/artifacts` })}`)
    assert.deepEqual(await proxied.json(), { files: [{ path: 'model', is_dir: true }] })
    const tracking = await t.fetch(`/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=model`)
    assert.deepEqual(((await tracking.json()) as { files: unknown[] }).files, [{ path: 'model/MLmodel', is_dir: false, file_size: 12 }])
    assert.equal(await (await t.fetch(`${proxyPath}/model/MLmodel`)).text(), 'flavors: {}\n')
    // delete_artifacts with no path sends DELETE <root>/ (a trailing slash).
    assert.equal((await t.fetch(`${proxyPath}/`, { method: 'DELETE' })).status, 200)
    assert.deepEqual(await (await t.fetch(`/api/2.0/mlflow-artifacts/artifacts?path=0/${runId}/artifacts`)).json(), {})
  })

  it('answers multipart requests on a local destination with MLflow NOT_IMPLEMENTED, after validating them', async () => {
    const { proxyPath } = await t.createRun()
    const mpu = (verb: string, body: unknown) =>
      t.fetch(proxyPath.replace('/mlflow-artifacts/artifacts/', `/mlflow-artifacts/mpu/${verb}/`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const create = await mpu('create', { path: '/home/me/model.bin', num_parts: 3 })
    assert.equal(create.status, 501)
    // The Python client falls back to a plain PUT only when the message starts with MLflow's text.
    assert.deepEqual(await create.json(), { error_code: 'NOT_IMPLEMENTED', message: MULTIPART_UNSUPPORTED_MESSAGE })
    await expectErrorReply(await mpu('complete', { path: 'model.bin', upload_id: 'u', parts: [{ part_number: 1, etag: 'e', url: null }] }), 501, 'NOT_IMPLEMENTED', MULTIPART_UNSUPPORTED_MESSAGE)
    await expectErrorReply(await mpu('abort', { path: 'model.bin', upload_id: 'u' }), 501, 'NOT_IMPLEMENTED', MULTIPART_UNSUPPORTED_MESSAGE)
    await expectErrorReply(await mpu('create', { path: 'model.bin' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'num_parts'")
    await expectErrorReply(await mpu('complete', { path: 'model.bin', upload_id: 'u' }), 400, 'INVALID_PARAMETER_VALUE', "'parts'")
    await expectErrorReply(await mpu('abort', { path: 'model.bin' }), 400, 'INVALID_PARAMETER_VALUE', "'upload_id'")
    await expectErrorReply(await mpu('create', { path: 'C:\\Users\\me\\', num_parts: 1 }), 400, 'INVALID_PARAMETER_VALUE', 'it names no file')
  })
})

describe('GET /get-artifact (the UI download)', () => {
  let t: ArtifactTestApp
  before(async () => {
    t = await openArtifactTestApp()
  })
  after(() => t.close())

  it('sends a file of a proxied run by run_uuid or run_id, with ranges', async () => {
    const { runId, proxyPath } = await t.createRun()
    await t.fetch(`${proxyPath}/plots/loss.png`, { method: 'PUT', body: 'PNGDATA' })
    for (const key of ['run_uuid', 'run_id']) {
      const response = await t.fetch(`/get-artifact?${new URLSearchParams({ path: 'plots/loss.png', [key]: runId })}`)
      assert.equal(response.status, 200)
      assert.equal(response.headers.get('content-type'), 'image/png')
      assert.equal(response.headers.get('content-disposition'), 'attachment; filename=loss.png')
      assert.equal(await response.text(), 'PNGDATA')
    }
    const ranged = await t.fetch(`/get-artifact?path=plots/loss.png&run_uuid=${runId}`, { headers: { range: 'bytes=0-2' } })
    assert.equal(ranged.status, 206)
    assert.equal(await ranged.text(), 'PNG')
  })

  it('sends a file of a run whose artifacts live in a local folder', async () => {
    const location = join(t.dir, 'elsewhere')
    const created = await t.fetch('/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'local-location', artifact_location: `file://${location}` }),
    })
    const experimentId = ((await created.json()) as { experiment_id: string }).experiment_id
    const { runId, artifactUri } = await t.createRun(experimentId)
    const runRoot = artifactUri.replace(/^file:\/\//, '')
    await mkdir(runRoot, { recursive: true })
    await writeFile(join(runRoot, 'notes.txt'), 'local')
    const response = await t.fetch(`/get-artifact?path=notes.txt&run_uuid=${runId}`)
    assert.equal(await response.text(), 'local')
  })

  it('refuses missing parameters, unknown runs and missing files', async () => {
    const { runId } = await t.createRun()
    await expectErrorReply(await t.fetch(`/get-artifact?run_uuid=${runId}`), 400, 'INVALID_PARAMETER_VALUE', "'path'")
    await expectErrorReply(await t.fetch('/get-artifact?path=a.txt'), 400, 'INVALID_PARAMETER_VALUE', "'run_id'")
    await expectErrorReply(await t.fetch('/get-artifact?path=a.txt&run_uuid=bad%20id'), 400, 'INVALID_PARAMETER_VALUE', 'run_id')
    await expectErrorReply(await t.fetch(`/get-artifact?path=a.txt&run_uuid=${'f'.repeat(32)}`), 404, 'RESOURCE_DOES_NOT_EXIST', '')
    await expectErrorReply(await t.fetch(`/get-artifact?path=a.txt&run_uuid=${runId}`), 404, 'RESOURCE_DOES_NOT_EXIST', "Artifact 'a.txt' does not exist")
  })
})

describe('POST /ajax-api/2.0/mlflow/upload-artifact (the UI upload)', () => {
  let t: ArtifactTestApp
  before(async () => {
    t = await openArtifactTestApp()
  })
  after(() => t.close())

  const upload = (query: Record<string, string>, body?: BodyInit, headers: Record<string, string> = {}) =>
    t.fetch(`/ajax-api/2.0/mlflow/upload-artifact?${new URLSearchParams(query)}`, { method: 'POST', ...(body !== undefined ? { body } : {}), headers })

  it('stores the body under a proxied run’s artifact root, where downloads find it', async () => {
    const { runId } = await t.createRun()
    const response = await upload({ run_uuid: runId, path: 'notes/hello.txt' }, 'hello from the UI')
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), {})
    const back = await t.fetch(`/get-artifact?path=notes/hello.txt&run_uuid=${runId}`)
    assert.equal(await back.text(), 'hello from the UI')
  })

  it('writes to a run whose artifacts live in a local folder', async () => {
    const location = join(t.dir, 'upload-elsewhere')
    const created = await t.fetch('/api/2.0/mlflow/experiments/create', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'upload-local-location', artifact_location: `file://${location}` }),
    })
    const experimentId = ((await created.json()) as { experiment_id: string }).experiment_id
    const { runId, artifactUri } = await t.createRun(experimentId)
    assert.equal((await upload({ run_uuid: runId, path: 'a.csv' }, 'x,y\n1,2\n')).status, 200)
    assert.equal(await readFile(join(artifactUri.replace(/^file:\/\//, ''), 'a.csv'), 'utf8'), 'x,y\n1,2\n')
  })

  it('refuses missing parameters, empty bodies, escaping paths, bodies over 10 MB and unknown runs', async () => {
    const { runId } = await t.createRun()
    await expectErrorReply(await upload({ path: 'a.txt' }, 'x'), 400, 'INVALID_PARAMETER_VALUE', 'run_uuid')
    await expectErrorReply(await upload({ run_uuid: runId }, 'x'), 400, 'INVALID_PARAMETER_VALUE', 'path')
    await expectErrorReply(await upload({ run_uuid: runId, path: 'a.txt' }), 400, 'INVALID_PARAMETER_VALUE', 'data')
    await expectErrorReply(await upload({ run_uuid: runId, path: '../../escape.txt' }, 'x'), 400, 'INVALID_PARAMETER_VALUE', 'Invalid artifact path')
    const big = new Uint8Array(10 * 1024 * 1024 + 1)
    await expectErrorReply(await upload({ run_uuid: runId, path: 'big.bin' }, big), 400, 'INVALID_PARAMETER_VALUE', 'Max size is 10MB')
    await expectErrorReply(await upload({ run_uuid: 'f'.repeat(32), path: 'a.txt' }, 'x'), 404, 'RESOURCE_DOES_NOT_EXIST', '')
    const listing = (await (await t.fetch(`/api/2.0/mlflow/artifacts/list?run_id=${runId}`)).json()) as { files?: unknown }
    assert.equal(listing.files, undefined, 'nothing was stored by the refused uploads')
  })
})

describe('GET /model-versions/get-artifact (the registry UI file view)', () => {
  let t: ArtifactTestApp
  before(async () => {
    t = await openArtifactTestApp()
  })
  after(() => t.close())

  const post = (path: string, body: unknown) =>
    t.fetch(`/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  it('sends a file of a registered version from its run’s artifacts', async () => {
    const { runId, artifactUri, proxyPath } = await t.createRun()
    await t.fetch(`${proxyPath}/model/MLmodel`, { method: 'PUT', body: 'flavors: {}\n' })
    assert.equal((await post('registered-models/create', { name: 'viewer' })).status, 200)
    const created = await post('model-versions/create', { name: 'viewer', source: `${artifactUri}/model`, run_id: runId })
    assert.equal(created.status, 200, await created.clone().text())
    const response = await t.fetch('/model-versions/get-artifact?path=MLmodel&name=viewer&version=1')
    assert.equal(response.status, 200)
    assert.equal(await response.text(), 'flavors: {}\n')
  })

  it('refuses missing parameters, escaping paths and unknown versions', async () => {
    await expectErrorReply(await t.fetch('/model-versions/get-artifact?name=viewer&version=1'), 400, 'INVALID_PARAMETER_VALUE', "'path'")
    await expectErrorReply(await t.fetch('/model-versions/get-artifact?path=MLmodel&version=1'), 400, 'INVALID_PARAMETER_VALUE', "'name'")
    await expectErrorReply(await t.fetch('/model-versions/get-artifact?path=../../x&name=viewer&version=1'), 400, 'INVALID_PARAMETER_VALUE', 'Invalid artifact path')
    await expectErrorReply(await t.fetch('/model-versions/get-artifact?path=MLmodel&name=absent&version=1'), 404, 'RESOURCE_DOES_NOT_EXIST', 'absent')
  })
})

describe('mlflow server --no-serve-artifacts', () => {
  let t: ArtifactTestApp
  before(async () => {
    t = await openArtifactTestApp({ serveArtifacts: false })
  })
  after(() => t.close())

  it("answers every proxy route with MLflow's 503", async () => {
    const requests: [string, string][] = [
      ['GET', `/api/2.0/mlflow-artifacts/artifacts/a.txt`],
      ['PUT', `/api/2.0/mlflow-artifacts/artifacts/a.txt`],
      ['DELETE', `/ajax-api/2.0/mlflow-artifacts/artifacts/a.txt`],
      ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=x`],
      ['POST', `/api/2.0/mlflow-artifacts/mpu/create/x`],
    ]
    for (const [method, path] of requests) {
      const response = await t.fetch(path, { method, ...(method === 'PUT' ? { body: 'x' } : {}) })
      assert.equal(response.status, 503, `${method} ${path}`)
      assert.match(await response.text(), /^Endpoint: \/(ajax-)?api\/2\.0\/mlflow-artifacts\/.* disabled due to the mlflow server running with `--no-serve-artifacts`/)
    }
    assert.deepEqual(await readdir(t.artifactsDir), [])
  })

  it('still refuses proxied runs on /get-artifact instead of reading the destination', async () => {
    const { runId } = await t.createRun()
    await expectErrorReply(await t.fetch(`/get-artifact?path=a.txt&run_uuid=${runId}`), 501, 'NOT_IMPLEMENTED', 'artifact proxy')
  })
})
