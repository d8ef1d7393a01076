// docs/registry-walkthrough.md cannot rot: its TypeScript blocks must be these example files, and its
// runnable shell blocks are run in order, as a user would, against a fresh server.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { OrchardClient } from '@orchard/sdk'
import { startServer } from '@orchard/server'
import type { RunningServer } from '@orchard/server'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const DOC = join(ROOT, 'docs', 'registry-walkthrough.md')
const ORCHARD_BIN = join(ROOT, 'packages', 'cli', 'bin', 'orchard.mjs')

interface Block {
  readonly marker: string
  readonly language: string
  readonly body: string
}

/** Fenced blocks with the HTML comment right above them (`<!-- run -->`, `<!-- file: path -->`). */
function markedBlocks(markdown: string): Block[] {
  const pattern = /<!-- (run|file: [^\s]+) -->\n```(\w+)\n([\s\S]*?)```\n/g
  return [...markdown.matchAll(pattern)].map((m) => ({ marker: m[1] ?? '', language: m[2] ?? '', body: m[3] ?? '' }))
}

describe('docs/registry-walkthrough.md', () => {
  let dir: string
  let server: RunningServer
  let blocks: Block[]
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orchard-walkthrough-'))
    blocks = markedBlocks(await readFile(DOC, 'utf8'))
    // As the page's step 0 starts its server: webhooks may reach a receiver on loopback over http.
    process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS = 'true'
    process.env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES = 'http,https'
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: `sqlite:///${join(dir, 'orchard.db')}`,
      defaultArtifactRoot: 'mlflow-artifacts:/',
      artifactsDestination: join(dir, 'artifacts'),
      logError: () => {},
    })
    // `orchard` on the PATH, as an installed CLI would be.
    await writeFile(join(dir, 'orchard'), `#!/bin/sh\nexec "${process.execPath}" "${ORCHARD_BIN}" "$@"\n`)
    await chmod(join(dir, 'orchard'), 0o755)
  })
  after(async () => {
    await server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('shows the example scripts exactly as they are in examples/registry-walkthrough', async () => {
    const files = blocks.filter((b) => b.marker.startsWith('file: '))
    assert.equal(files.length, 2)
    for (const block of files) {
      assert.equal(block.body, await readFile(join(ROOT, block.marker.slice('file: '.length)), 'utf8'), block.marker)
    }
  })

  it('runs every command of the page in order and ends with version 1 back in Production', async () => {
    const env = { ...process.env, MLFLOW_TRACKING_URI: server.url, PATH: `${dir}:${process.env.PATH ?? ''}`, TMPDIR: dir }
    const outputs: string[] = []
    const commands = blocks.filter((b) => b.marker === 'run')
    assert.ok(commands.length >= 6)
    for (const block of commands) {
      assert.equal(block.language, 'sh')
      const { stdout } = await run('sh', ['-e', '-c', block.body], { cwd: ROOT, env, maxBuffer: 4 * 1024 * 1024 })
      outputs.push(stdout)
      if (process.env.WALKTHROUGH_PRINT) process.stderr.write(`$ ${block.body}${stdout}\n`)
    }
    const text = outputs.join('')
    assert.match(text, /^registered fraud-detector version 1 from run [0-9a-f]{32}$/m)
    assert.match(text, /^registered fraud-detector version 2 from run [0-9a-f]{32}$/m)
    assert.match(text, /^models:\/fraud-detector\/Production is version 2 \(Production\), weights 0\.4, -0\.6, 0\.025$/m)
    assert.match(text, /^models:\/fraud-detector\/Production is version 1 \(Production\), weights 0\.727, -1\.091, 0\.045$/m)
    assert.match(text, /^models:\/fraud-detector@champion is version 1 \(Production\)/m)
    assert.match(text, /version 1 TRANSITION_STAGE +Archived → Production +rollback: v2 false positives on card-present$/m)
    assert.match(text, /^webhook deploy-bot: ACTIVE, 2 events$/m)
    const deliveries = text.split('\n').filter((line) => line.startsWith('verified') || line.startsWith('BAD'))
    assert.deepEqual(
      deliveries.map((line) => line.split(/\s+/)[1]),
      ['model_version.stage_transitioned', 'model_version.stage_transitioned', 'model_version_alias.created'],
      deliveries.join('\n'),
    )
    assert.ok(deliveries.every((line) => line.startsWith('verified')), deliveries.join('\n'))

    const client = new OrchardClient(server.url)
    try {
      const stages = (await client.searchModelVersions({ filterString: "name = 'fraud-detector'" })).items.map((v) => [v.version, v.currentStage])
      assert.deepEqual(stages.sort(), [['1', 'Production'], ['2', 'Archived']])
      assert.equal((await client.getModelVersionByAlias('fraud-detector', 'champion')).version, '1')
      const trail = (await client.searchRegistryEvents({ name: 'fraud-detector' })).items
      assert.equal(trail.filter((e) => e.action === 'TRANSITION_STAGE').length, 7)
    } finally {
      await client.close()
    }
  })
})
