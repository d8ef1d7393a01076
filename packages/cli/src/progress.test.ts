import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ProgressBar, formatBytes } from './progress.ts'

function fakeStream(isTTY: boolean) {
  const writes: string[] = []
  return { stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream, writes }
}

test('formatBytes picks binary units', () => {
  assert.equal(formatBytes(850), '850 B')
  assert.equal(formatBytes(2 * 1024 * 1024 + 3), '2.00 MiB')
  assert.equal(formatBytes(1.5 * 1024 ** 3), '1.50 GiB')
  assert.equal(formatBytes(300 * 1024), '300.0 KiB')
})

test('on a terminal the bar is redrawn in place, at most every 100 ms, and replaced by the summary', () => {
  let now = 0
  const { stream, writes } = fakeStream(true)
  const bar = new ProgressBar('Uploading', { unit: 'bytes', stream, now: () => now })
  bar.update({ done: 0, total: 4096 })
  now = 50
  bar.update({ done: 1024, total: 4096 })
  assert.equal(writes.length, 0, 'no redraw within 100 ms')
  now = 1000
  bar.update({ done: 2048, total: 4096, detail: '1/2 files' })
  assert.equal(writes.length, 1)
  assert.equal(writes[0], '\r\x1b[2KUploading  [############............]  50%  2.00 KiB/4.00 KiB  1/2 files  2.00 KiB/s')
  bar.done('Uploaded 2 files')
  assert.deepEqual(writes.slice(1), ['\r\x1b[2K', 'Uploaded 2 files\n'])
})

test('on a pipe it writes a plain line every 5 s and no escape codes', () => {
  let now = 0
  const { stream, writes } = fakeStream(false)
  const bar = new ProgressBar('Scoring', { unit: 'rows', stream, now: () => now })
  bar.update({ done: 0 })
  now = 1000
  bar.update({ done: 10_000 })
  assert.equal(writes.length, 0)
  now = 5000
  bar.update({ done: 50_000 })
  assert.deepEqual(writes, ['Scoring  50,000  10,000 rows/s\n'])
  bar.done('Scored 50,000 rows')
  assert.equal(writes.at(-1), 'Scored 50,000 rows\n')
})
