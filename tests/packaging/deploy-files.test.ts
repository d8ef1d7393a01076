// Lints the deployment recipes: every YAML file parses, the Kubernetes manifests are well-formed and
// point at what the server really serves, and every MLFLOW_* variable they set is one that Orchard
// reads (a misspelt variable is silently ignored by a container, so it is caught here).
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { parseAllDocuments } from 'yaml'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DEPLOY = join(ROOT, 'deploy')

// Variables Orchard reads that are not `orchard server` flags.
const OTHER_VARIABLES = new Set(['MLFLOW_S3_ENDPOINT_URL', 'MLFLOW_TRACKING_URI'])

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await yamlFiles(path)))
    else if (/\.ya?ml$/.test(entry.name)) out.push(path)
  }
  return out.sort()
}

type Doc = Record<string, unknown>

async function documents(path: string): Promise<Doc[]> {
  const parsed = parseAllDocuments(await readFile(path, 'utf8'))
  for (const doc of parsed) assert.deepEqual(doc.errors, [], `${path}: ${doc.errors.map((e) => e.message).join('; ')}`)
  return parsed.map((doc) => doc.toJS() as Doc).filter((doc) => doc !== null)
}

/** Every value of a key named `name` anywhere in a parsed document. */
function collect(value: unknown, name: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) collect(item, name, out)
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === name) out.push(item)
      collect(item, name, out)
    }
  }
  return out
}

describe('deployment recipes', () => {
  let serverVariables: Set<string>

  before(async () => {
    const { stdout } = await run(process.execPath, ['--conditions=orchard-source', join(ROOT, 'packages/cli/bin/orchard.mjs'), 'server', '--help'])
    serverVariables = new Set([...stdout.matchAll(/env: (MLFLOW_[A-Z_]+)/g)].map((match) => match[1]!))
    assert.ok(serverVariables.has('MLFLOW_BACKEND_STORE_URI') && serverVariables.has('MLFLOW_PORT'), stdout)
  })

  it('parses every YAML file', async () => {
    const files = await yamlFiles(DEPLOY)
    assert.ok(files.length >= 5, files.join(', '))
    for (const file of files) assert.ok((await documents(file)).length > 0, `${file} is empty`)
  })

  it('gives every Kubernetes object a kind, an apiVersion and a name, and probes the health endpoint', async () => {
    const kinds: string[] = []
    for (const file of await yamlFiles(join(DEPLOY, 'kubernetes'))) {
      for (const doc of await documents(file)) {
        assert.equal(typeof doc.apiVersion, 'string', file)
        assert.equal(typeof doc.kind, 'string', file)
        assert.equal(typeof (doc.metadata as Doc | undefined)?.name, 'string', file)
        kinds.push(doc.kind as string)
        if (doc.kind === 'Deployment') {
          const spec = doc.spec as { replicas: number; selector: { matchLabels: Doc }; template: { metadata: { labels: Doc } } }
          assert.ok(spec.replicas >= 2, 'the organization setup runs replicas')
          for (const [key, value] of Object.entries(spec.selector.matchLabels)) assert.equal(spec.template.metadata.labels[key], value)
          const paths = [...collect(doc, 'livenessProbe'), ...collect(doc, 'readinessProbe')].map((probe) => (probe as { httpGet: { path: string } }).httpGet.path)
          assert.equal(paths.length, 2)
          for (const path of paths) assert.match(path, /^\/(health|ready|readyz)$/)
        }
      }
    }
    for (const kind of ['Deployment', 'Service', 'Job', 'Secret']) assert.ok(kinds.includes(kind), `no ${kind}`)
  })

  it('sets only MLFLOW_* variables that Orchard reads, in the compose file, the manifests and the Dockerfile', async () => {
    const named: string[] = []
    for (const file of await yamlFiles(DEPLOY)) {
      const text = await readFile(file, 'utf8')
      named.push(...[...text.matchAll(/\b(MLFLOW_[A-Z_]+)\b/g)].map((match) => match[1]!))
    }
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8')
    named.push(...[...dockerfile.matchAll(/\b(MLFLOW_[A-Z_]+)\b/g)].map((match) => match[1]!))
    assert.ok(named.length > 5)
    for (const variable of new Set(named)) {
      assert.ok(serverVariables.has(variable) || OTHER_VARIABLES.has(variable), `${variable} is not read by Orchard`)
    }
  })
})
