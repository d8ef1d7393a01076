// docs/api is the SDK's generated reference (TypeDoc, `npm run docs`), linked from the README. It is
// regenerated here into a temporary folder and must match what is committed, so the reference never
// drifts from the code.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

test('docs/api matches the SDK (regenerate with `npm run docs`)', { timeout: 10 * 60_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'orchard-api-docs-'))
  try {
    await run(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Error'], { cwd: ROOT, maxBuffer: 16 << 20 })
    const committed = (await readdir(join(ROOT, 'docs/api'))).sort()
    assert.deepEqual((await readdir(out)).sort(), committed)
    for (const file of committed) {
      const fresh = await readFile(join(out, file), 'utf8')
      assert.ok(fresh === (await readFile(join(ROOT, 'docs/api', file), 'utf8')), `docs/api/${file} is out of date: run npm run docs`)
    }
  } finally {
    await rm(out, { recursive: true, force: true })
  }
})
