import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watchRejection } from './watch-rejection.ts'

const fail = () => Promise.reject(new Error('boom'))
const later = () => new Promise((resolve) => setTimeout(resolve, 20))

test('an awaited rejection reaches the caller and nothing else', async () => {
  const unwatched: unknown[] = []
  await assert.rejects(watchRejection(fail(), (error) => unwatched.push(error)), /boom/)
  await later()
  assert.deepEqual(unwatched, [])
})

test('a caught rejection reaches the catch handler and nothing else', async () => {
  const unwatched: unknown[] = []
  const caught = await watchRejection(fail(), (error) => unwatched.push(error)).catch((error: Error) => error.message)
  await later()
  assert.equal(caught, 'boom')
  assert.deepEqual(unwatched, [])
})

test('a rejection nobody waits on goes to the handler, never to unhandledRejection', async () => {
  const unhandled: unknown[] = []
  const listener = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', listener)
  try {
    const unwatched: unknown[] = []
    void watchRejection(fail(), (error) => unwatched.push(error))
    await later()
    assert.equal(unwatched.length, 1)
    assert.equal((unwatched[0] as Error).message, 'boom')
    assert.deepEqual(unhandled, [])
  } finally {
    process.off('unhandledRejection', listener)
  }
})

test('a fulfilled promise keeps its value', async () => {
  assert.equal(await watchRejection(Promise.resolve(7), () => assert.fail('not a rejection')), 7)
})
