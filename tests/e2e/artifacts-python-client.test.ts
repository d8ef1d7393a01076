// The requests MLflow's Python client sends through the artifact proxy, sent by Python's `requests`
// (what HttpArtifactRepository uses) so its URL quoting, streaming and headers are the real ones.
// The script follows mlflow/store/artifact/http_artifact_repo.py call for call: PUT per file with the
// file object as body, list with ?path=<root>/<path>, streamed GET, DELETE, and the multipart attempt
// that falls back to a PUT on MLflow's NOT_IMPLEMENTED message.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startArtifactServer } from './artifacts-server.ts'
import type { ArtifactServer } from './artifacts-server.ts'

const CLIENT = String.raw`
import json, os, posixpath, sys
import requests

artifact_uri, local_dir = sys.argv[1], sys.argv[2]
host, root = artifact_uri.split("/api/2.0/mlflow-artifacts/artifacts", 1)
root = root.lstrip("/")
UNSUPPORTED = "Multipart upload is not supported for the current artifact repository"
out = {}

def log_artifact(local_file, artifact_path=None):
    name = os.path.basename(local_file)
    endpoint = posixpath.join("/", *((artifact_path, name) if artifact_path else (name,)))
    with open(local_file, "rb") as f:
        r = requests.put(artifact_uri + endpoint, data=f, headers={"Content-Type": "application/octet-stream"})
    r.raise_for_status()

def try_multipart(local_file, artifact_path):
    endpoint = posixpath.join("/api/2.0/mlflow-artifacts/mpu/create", root, artifact_path)
    r = requests.post(host + endpoint, json={"path": local_file, "num_parts": 1})
    if r.status_code >= 400 and str(r.json().get("message", "")).startswith(UNSUPPORTED):
        return "fell back"
    r.raise_for_status()
    return "multipart"

def list_artifacts(path=None):
    r = requests.get(host + "/api/2.0/mlflow-artifacts/artifacts", params={"path": posixpath.join(root, path) if path else root})
    r.raise_for_status()
    return [[posixpath.join(path, f["path"]) if path else f["path"], f["is_dir"], f.get("file_size")] for f in r.json().get("files", [])]

def download(path, local_path):
    r = requests.get(artifact_uri + posixpath.join("/", path), stream=True)
    r.raise_for_status()
    with open(local_path, "wb") as f:
        for chunk in r.iter_content(chunk_size=1024 * 1024):
            f.write(chunk)
    return r.headers.get("Content-Type"), r.headers.get("Content-Disposition")

def delete(path):
    requests.delete(artifact_uri + posixpath.join("/", path)).raise_for_status()

out["multipart"] = try_multipart(os.path.join(local_dir, "weights.bin"), "model")
log_artifact(os.path.join(local_dir, "weights.bin"), "model")
log_artifact(os.path.join(local_dir, "notes.txt"))
log_artifact(os.path.join(local_dir, "my file é.txt"), "nested dir")
out["root"] = list_artifacts()
out["nested"] = list_artifacts("nested dir")
out["headers"] = download("model/weights.bin", os.path.join(local_dir, "downloaded.bin"))
out["note_headers"] = download("notes.txt", os.path.join(local_dir, "downloaded.txt"))
delete("nested dir")
out["after_delete"] = list_artifacts()
print(json.dumps(out))
`

function runPython(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PYTHON ?? 'python3', ['-c', CLIENT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`python client exited with ${code}: ${stderr}`))))
  })
}

describe("MLflow's Python client requests, sent by Python requests", () => {
  let server: ArtifactServer
  before(async () => {
    server = await startArtifactServer()
  })
  after(() => server.close())

  it('logs, lists, downloads and deletes through the proxy', async () => {
    const created = await fetch(`${server.url}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_id: '0' }),
    })
    const { run_id: runId, artifact_uri: artifactUri } = ((await created.json()) as { run: { info: { run_id: string; artifact_uri: string } } }).run.info
    // The client resolves mlflow-artifacts:/ against its tracking URI.
    const httpUri = artifactUri.replace(/^mlflow-artifacts:\//, `${server.url}/api/2.0/mlflow-artifacts/artifacts/`)
    const local = join(server.dir, 'client')
    await mkdir(local)
    const weights = randomBytes(3 * 1024 * 1024 + 17)
    await writeFile(join(local, 'weights.bin'), weights)
    await writeFile(join(local, 'notes.txt'), 'hello from python')
    await writeFile(join(local, 'my file é.txt'), 'unicode name')

    const out = JSON.parse(await runPython([httpUri, local])) as Record<string, unknown>
    assert.equal(out.multipart, 'fell back')
    assert.deepEqual(out.root, [
      ['model', true, null],
      ['nested dir', true, null],
      ['notes.txt', false, 17],
    ])
    assert.deepEqual(out.nested, [['nested dir/my file é.txt', false, 12]])
    assert.deepEqual(out.headers, ['application/octet-stream', 'attachment; filename=weights.bin'])
    assert.deepEqual(out.note_headers, ['text/plain', 'attachment; filename=notes.txt'])
    assert.deepEqual(out.after_delete, [
      ['model', true, null],
      ['notes.txt', false, 17],
    ])
    assert.ok((await readFile(join(local, 'downloaded.bin'))).equals(weights))
    const root = join(server.artifactsDir, '0', runId, 'artifacts')
    assert.ok((await readFile(join(root, 'model', 'weights.bin'))).equals(weights))
    assert.deepEqual(server.errors.filter((e) => !String(e).includes('Multipart upload is not supported')), [])
  })
})
