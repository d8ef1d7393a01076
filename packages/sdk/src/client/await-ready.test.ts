import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ModelVersion } from '@orchard/core'
import { isOrchardError } from '@orchard/protocol/base'
import { awaitModelVersionReady } from './await-ready.ts'

const version = (status: string, statusMessage?: string): ModelVersion =>
  ({
    name: 'fraud',
    version: '3',
    creationTimestamp: 1,
    lastUpdatedTimestamp: 1,
    currentStage: 'None',
    source: 's3://b/m',
    status,
    tags: [],
    aliases: [],
    ...(statusMessage ? { statusMessage } : {}),
  }) as unknown as ModelVersion

/** A clock that only moves when the waiter sleeps. */
function fakeClock() {
  let time = 0
  const slept: number[] = []
  return { now: () => time, sleep: async (ms: number) => void (slept.push(ms), (time += ms)), slept }
}

test('a READY version is returned without polling', async () => {
  const clock = fakeClock()
  const ready = version('READY')
  assert.equal(await awaitModelVersionReady(ready, () => assert.fail('polled'), { timeoutMs: 10_000, ...clock }), ready)
})

test('a pending version is polled until READY', async () => {
  const clock = fakeClock()
  const answers = [version('PENDING_REGISTRATION'), version('PENDING_REGISTRATION'), version('READY')]
  const result = await awaitModelVersionReady(version('PENDING_REGISTRATION'), async () => answers.shift() ?? assert.fail(), {
    timeoutMs: 60_000,
    pollIntervalMs: 3000,
    ...clock,
  })
  assert.equal(result.status, 'READY')
  assert.deepEqual(clock.slept, [3000, 3000])
})

test('a failed registration throws with its status message', async () => {
  const clock = fakeClock()
  await assert.rejects(
    awaitModelVersionReady(version('PENDING_REGISTRATION'), async () => version('FAILED_REGISTRATION', 'copy failed'), { timeoutMs: 60_000, ...clock }),
    (error: unknown) => isOrchardError(error) && error.code === 'INVALID_STATE' && error.message.includes('FAILED_REGISTRATION and message: copy failed'),
  )
})

test('a version still pending past the deadline throws', async () => {
  const clock = fakeClock()
  await assert.rejects(
    awaitModelVersionReady(version('PENDING_REGISTRATION'), async () => version('PENDING_REGISTRATION'), { timeoutMs: 5000, pollIntervalMs: 3000, ...clock }),
    (error: unknown) => isOrchardError(error) && error.code === 'TEMPORARILY_UNAVAILABLE' && error.message.includes('Exceeded max wait time'),
  )
  assert.ok(clock.slept.length >= 2)
})
