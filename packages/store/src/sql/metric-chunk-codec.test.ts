import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { packMetricChunk, unpackMetricChunk } from './metric-chunk-codec.ts'

const roundTrip = (timestamps: number[], steps: number[], values: number[]) => {
  const packed = packMetricChunk(Float64Array.from(timestamps), Float64Array.from(steps), Float64Array.from(values))
  const unpacked = unpackMetricChunk(packed)
  return { bytes: packed.byteLength, timestamps: [...unpacked.timestamps], steps: [...unpacked.steps], values: [...unpacked.values] }
}

describe('metric chunk codec', () => {
  it('reads back every point, NaN and ±Infinity included', () => {
    const values = [0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -2.5e-300, 1e308]
    const timestamps = [5, 3, 9, 2 ** 53 - 1, 0, 7]
    const steps = [1, 1, -4, 100, 2 ** 52, 3]
    assert.deepEqual(roundTrip(timestamps, steps, values), { bytes: 8 + 6 * 24, timestamps, steps, values })
  })

  it('writes a shared timestamp once and a series of steps as its start and stride', () => {
    const n = 100
    const steps = Array.from({ length: n }, (_, i) => 1_000 + 3 * i)
    const values = Array.from({ length: n }, (_, i) => i / 7)
    const timestamps = new Array<number>(n).fill(1_700_000_000_000)
    assert.deepEqual(roundTrip(timestamps, steps, values), { bytes: 8 + 8 + 16 + n * 8, timestamps, steps, values })
    // Not quite a series: every step is kept.
    const irregular = steps.map((s, i) => (i === 50 ? s + 1 : s))
    assert.deepEqual(roundTrip(timestamps, irregular, values), { bytes: 8 + 8 + n * 16, timestamps, steps: irregular, values })
    assert.deepEqual(roundTrip([42], [7], [1]), { bytes: 8 + 8 + 8 + 8, timestamps: [42], steps: [7], values: [1] })
  })

  it('reads a chunk from a buffer that does not start on an 8-byte boundary', () => {
    const packed = packMetricChunk(Float64Array.from([1, 2, 4]), Float64Array.from([0, 1, 2]), Float64Array.from([0.5, 0.25, 0.125]))
    const shifted = new Uint8Array(packed.byteLength + 3).subarray(3)
    shifted.set(packed)
    const unpacked = unpackMetricChunk(shifted)
    assert.deepEqual([...unpacked.timestamps, ...unpacked.steps, ...unpacked.values], [1, 2, 4, 0, 1, 2, 0.5, 0.25, 0.125])
  })

  it('refuses bytes that are not a chunk', () => {
    const packed = packMetricChunk(Float64Array.from([1, 2]), Float64Array.from([0, 1]), Float64Array.from([3, 4]))
    assert.throws(() => unpackMetricChunk(packed.subarray(0, packed.byteLength - 8)), /does not hold whole points/)
    assert.throws(() => unpackMetricChunk(Buffer.from('not a chunk at all')), /does not hold whole points/)
  })
})
