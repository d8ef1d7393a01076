import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

// Several processes opening one brand-new SQLite database at once (two CLI commands, a server and a
// training script): each must see it empty or fully initialised, never half-migrated at an older
// version, which it would refuse with "run orchard db upgrade".

const STORE = fileURLToPath(new URL('../src/index.ts', import.meta.url))

/** Each child loads everything first, then opens the store at `startAt`, so the opens coincide. */
function openInChild(uri: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  const script =
    `const { openTrackingStore } = await import(${JSON.stringify(STORE)}); ` +
    `await new Promise((r) => setTimeout(r, Math.max(0, ${startAt} - Date.now()))); ` +
    `const s = await openTrackingStore(${JSON.stringify(uri)}); await s.close()`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stderr }))
  })
}

test('processes opening one new SQLite database together all succeed, and none is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-concurrent-init-'))
  try {
    for (let round = 0; round < 3; round++) {
      const uri = `sqlite:///${join(dir, `round-${round}.db`)}`
      const startAt = Date.now() + 4000
      const results = await Promise.all(Array.from({ length: 4 }, () => openInChild(uri, startAt)))
      for (const result of results) assert.equal(result.code, 0, result.stderr)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
