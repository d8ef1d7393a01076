// No symbolic link inside an artifact root leads out of it: downloads, listings, uploads and deletes
// through the proxy, and a run whose own folder is such a link.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { assertRefused, openHostileApp } from './hostile-harness.ts'
import type { HostileApp } from './hostile-harness.ts'

const API = '/api/2.0/mlflow-artifacts/artifacts'
const ESCAPE = 'leads out of the artifact root through a symbolic link'

describe('artifact roots do not follow symbolic links out', () => {
  let h: HostileApp
  let outside: string
  let root: string

  before(async () => {
    h = await openHostileApp('sqlite')
    outside = await mkdtemp(join(tmpdir(), 'orchard-outside-'))
    await writeFile(join(outside, 'secret.txt'), 'top secret')
    root = join(h.dir, 'artifacts')
    await mkdir(join(root, '0', 'real'), { recursive: true })
    await writeFile(join(root, '0', 'real', 'ok.txt'), 'fine')
    await symlink(outside, join(root, '0', 'link'))
    await symlink(join(outside, 'secret.txt'), join(root, '0', 'secret.txt'))
    // A link that stays inside the root is followed as before.
    await symlink(join(root, '0', 'real'), join(root, '0', 'inner'))
  })
  after(async () => {
    await h.close()
    await rm(outside, { recursive: true, force: true })
  })

  it('refuses to download through a link out, and still follows a link that stays inside', async () => {
    assertRefused(await h.send('GET', `${API}/0/link/secret.txt`), 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'folder link')
    assertRefused(await h.send('GET', `${API}/0/secret.txt`), 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'file link')
    const inner = await h.send('GET', `${API}/0/inner/ok.txt`)
    assert.equal(inner.status, 200)
    assert.equal(inner.text, 'fine')
  })

  it('leaves links out of listings and refuses to list through them', async () => {
    const listed = await h.send('GET', `${API}?path=0`)
    assert.equal(listed.status, 200)
    const names = (listed.json.files as { path: string }[]).map((f) => f.path).sort()
    assert.deepEqual(names, ['inner', 'real'])
    assertRefused(await h.send('GET', `${API}?path=0/link`), 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'list')
  })

  it('refuses uploads through a link out and writes nothing there', async () => {
    assertRefused(await h.send('PUT', `${API}/0/link/planted.txt`, 'x'), 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'put')
    assertRefused(await h.send('PUT', `${API}/0/secret.txt`, 'overwritten'), 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'put over link')
    assert.equal(existsSync(join(outside, 'planted.txt')), false)
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'top secret')
  })

  it('refuses deletes through a link out; deleting the link itself removes only the link', async () => {
    assertRefused(await h.send('DELETE', `${API}/0/link/secret.txt`), 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'delete')
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'top secret')
    assert.equal((await h.send('DELETE', `${API}/0/link`)).status, 200)
    assert.equal(existsSync(join(root, '0', 'link')), false)
    assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'top secret')
  })

  it("refuses a run whose artifact folder is itself a link out", async () => {
    const run = await h.send('POST', 'runs/create', { experiment_id: '0' })
    const runId = run.json.run.info.run_id as string
    await mkdir(join(root, '0', runId), { recursive: true })
    await symlink(outside, join(root, '0', runId, 'artifacts'))
    const read = await h.send('GET', `/get-artifact?run_id=${runId}&path=secret.txt`)
    assertRefused(read, 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'get-artifact')
    const listed = await h.send('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}`)
    assertRefused(listed, 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'artifacts/list')
    const upload = await h.send('POST', `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=planted.txt`, 'x')
    assertRefused(upload, 400, 'INVALID_PARAMETER_VALUE', ESCAPE, 'upload-artifact')
    assert.equal(existsSync(join(outside, 'planted.txt')), false)
  })
})
