// `npm start` is the README's first command. Stopping it by the PID of the npm process (what a
// service manager or a terminal's kill does) must stop the server too, not leave it orphaned.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

test('SIGTERM to the npm start process stops the server it started', { timeout: 5 * 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-npm-start-'))
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  const npm = spawn('npm', ['start', '--silent', '--', '--port', '0', '--backend-store-uri', `sqlite:///${join(dir, 'o.db')}`, '--artifacts-destination', join(dir, 'artifacts')], {
    cwd: ROOT,
    env,
  })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = ''
      const read = (chunk: Buffer) => {
        output += chunk.toString()
        const match = /Listening on (http:\/\/\S+)/.exec(output)
        if (match) resolve(match[1]!)
      }
      npm.stdout.on('data', read)
      npm.stderr.on('data', read)
      npm.on('exit', (code) => reject(new Error(`npm start exited ${code}:\n${output}`)))
    })
    assert.equal((await fetch(`${url}/health`)).status, 200)
    npm.kill('SIGTERM')
    await new Promise((resolve) => (npm.exitCode === null && npm.signalCode === null ? npm.once('exit', resolve) : resolve(undefined)))
    // The server drains and exits; poll until nothing answers.
    const deadline = Date.now() + 30_000
    let answering = true
    while (answering && Date.now() < deadline) {
      answering = await fetch(`${url}/health`).then(() => true, () => false)
      if (answering) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    assert.equal(answering, false, 'the server outlived npm start')
  } finally {
    if (npm.exitCode === null) npm.kill('SIGKILL')
    // An orphaned server (the failure this test looks for) holds npm's pipes open: end it by the
    // temporary folder in its arguments, so the test fails instead of hanging.
    spawnSync('pkill', ['-KILL', '-f', dir])
    await rm(dir, { recursive: true, force: true })
  }
})
