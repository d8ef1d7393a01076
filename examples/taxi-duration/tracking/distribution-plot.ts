// The predicted-vs-actual duration distributions as a PNG: two histograms over 0..60 minutes in
// one-minute bins, actual as filled blue bars, predicted as an orange step line, labelled with a
// tiny built-in 3×5 pixel font.
import { encodePng } from './png.ts'

const WIDTH = 720
const HEIGHT = 420
const LEFT = 60
const RIGHT = 20
const TOP = 40
const BOTTOM = 50
const BINS = 60
type Rgb = readonly [number, number, number]
const ACTUAL: Rgb = [120, 160, 220]
const PREDICTED: Rgb = [230, 120, 30]
const AXIS: Rgb = [40, 40, 40]

// 3×5 glyphs, rows top to bottom, 3 bits per row (high bit = left pixel).
const GLYPHS: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  A: [2, 5, 7, 5, 5], C: [7, 4, 4, 4, 7], D: [6, 5, 5, 5, 6], E: [7, 4, 6, 4, 7], I: [7, 2, 2, 2, 7], L: [4, 4, 4, 4, 7],
  M: [5, 7, 7, 5, 5], N: [6, 5, 5, 5, 5], P: [7, 5, 7, 4, 4], R: [6, 5, 6, 5, 5], S: [7, 4, 7, 1, 7], T: [7, 2, 2, 2, 2],
  U: [5, 5, 5, 5, 7], V: [5, 5, 5, 5, 2], O: [7, 5, 5, 5, 7], H: [5, 5, 7, 5, 5], F: [7, 4, 6, 4, 4],
  ' ': [0, 0, 0, 0, 0], '-': [0, 0, 7, 0, 0], '.': [0, 0, 0, 0, 2], '(': [1, 2, 2, 2, 1], ')': [4, 2, 2, 2, 4],
}

class Canvas {
  readonly pixels = new Uint8Array(WIDTH * HEIGHT * 3).fill(255)

  set(x: number, y: number, color: Rgb): void {
    if (x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT) return
    this.pixels.set(color, (Math.round(y) * WIDTH + Math.round(x)) * 3)
  }

  rect(x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
    for (let y = Math.round(Math.min(y0, y1)); y <= Math.round(Math.max(y0, y1)); y++) {
      for (let x = Math.round(Math.min(x0, x1)); x <= Math.round(Math.max(x0, x1)); x++) this.set(x, y, color)
    }
  }

  text(x: number, y: number, text: string, color: Rgb, scale = 2): void {
    for (const [offset, character] of [...text.toUpperCase()].entries()) {
      const glyph = GLYPHS[character] ?? GLYPHS[' ']!
      glyph.forEach((bits, row) => {
        for (let column = 0; column < 3; column++) {
          if (bits & (4 >> column)) this.rect(x + (offset * 4 + column) * scale, y + row * scale, x + (offset * 4 + column + 1) * scale - 1, y + (row + 1) * scale - 1, color)
        }
      })
    }
  }
}

function histogram(values: Float64Array): Float64Array {
  const counts = new Float64Array(BINS)
  for (const value of values) {
    const bin = Math.floor(value)
    if (bin >= 0 && bin < BINS) counts[bin]!++
  }
  for (let bin = 0; bin < BINS; bin++) counts[bin]! /= values.length
  return counts
}

/** A PNG comparing the distributions of `predicted` and `actual` durations (minutes). */
export function durationDistributionPng(predicted: Float64Array, actual: Float64Array): Buffer {
  const canvas = new Canvas()
  const actualShare = histogram(actual)
  const predictedShare = histogram(predicted)
  const top = Math.max(...actualShare, ...predictedShare) * 1.05 || 1
  const plotWidth = WIDTH - LEFT - RIGHT
  const plotHeight = HEIGHT - TOP - BOTTOM
  const x = (minutes: number) => LEFT + (minutes / BINS) * plotWidth
  const y = (share: number) => TOP + plotHeight - (share / top) * plotHeight
  for (let bin = 0; bin < BINS; bin++) canvas.rect(x(bin) + 1, y(actualShare[bin]!), x(bin + 1) - 1, y(0), ACTUAL)
  for (let bin = 0; bin < BINS; bin++) {
    canvas.rect(x(bin), y(predictedShare[bin]!) - 1, x(bin + 1), y(predictedShare[bin]!) + 1, PREDICTED)
    if (bin > 0) canvas.rect(x(bin) - 1, y(predictedShare[bin - 1]!), x(bin) + 1, y(predictedShare[bin]!), PREDICTED)
  }
  canvas.rect(LEFT, TOP, LEFT + 1, TOP + plotHeight, AXIS)
  canvas.rect(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight + 1, AXIS)
  for (let minutes = 0; minutes <= BINS; minutes += 10) {
    canvas.rect(x(minutes), TOP + plotHeight, x(minutes) + 1, TOP + plotHeight + 6, AXIS)
    canvas.text(x(minutes) - 6, TOP + plotHeight + 12, String(minutes), AXIS)
  }
  canvas.text(LEFT + plotWidth / 2 - 60, HEIGHT - 18, 'DURATION (MIN)', AXIS)
  canvas.rect(LEFT + 20, 12, LEFT + 36, 24, ACTUAL)
  canvas.text(LEFT + 44, 14, 'ACTUAL', AXIS)
  canvas.rect(LEFT + 140, 17, LEFT + 156, 19, PREDICTED)
  canvas.text(LEFT + 164, 14, 'PREDICTED', AXIS)
  return encodePng(WIDTH, HEIGHT, canvas.pixels)
}
