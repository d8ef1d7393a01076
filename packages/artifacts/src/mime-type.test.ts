import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { guessMimeType } from './mime-type.ts'

// Expected values are what MLflow's _guess_mime_type answers on a stock CPython.
const CASES: [string, string][] = [
  ['notes.txt', 'text/plain'],
  ['metrics.json', 'text/plain'],
  ['conda.yaml', 'text/plain'],
  ['data/train.csv', 'text/plain'],
  ['model/MLmodel', 'text/plain'],
  ['MLproject', 'text/plain'],
  ['plot.png', 'image/png'],
  ['photo.JPG', 'image/jpeg'],
  ['photo.jpeg', 'image/jpeg'],
  ['figure.svg', 'image/svg+xml'],
  ['anim.gif', 'image/gif'],
  ['report.html', 'text/html'],
  ['paper.pdf', 'application/pdf'],
  ['table.parquet', 'application/octet-stream'],
  ['model.pkl', 'application/octet-stream'],
  ['archive.tar.gz', 'application/x-tar'],
  ['archive.tgz', 'application/x-tar'],
  ['raw.csv.gz', 'text/csv'],
  ['README', 'application/octet-stream'],
  ['.hidden', 'application/octet-stream'],
]

describe('guessMimeType', () => {
  for (const [path, type] of CASES) {
    it(`answers ${type} for ${path}`, () => assert.equal(guessMimeType(path), type))
  }
})
