import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nestRuns } from './run-tree.ts'

const run = (runId: string, parent?: string) => ({
  info: { runId },
  data: { tags: parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [] },
})

describe('nestRuns', () => {
  const runs = [run('p'), run('c1', 'p'), run('x'), run('c2', 'p'), run('g', 'c1')]

  it('hides children of collapsed parents and counts them', () => {
    const rows = nestRuns(runs, new Set())
    assert.deepEqual(rows.map((r) => [r.run.info.runId, r.depth, r.childCount]), [['p', 0, 2], ['x', 0, 0]])
  })

  it('shows expanded children under their parent in server order', () => {
    const rows = nestRuns(runs, new Set(['p', 'c1']))
    assert.deepEqual(rows.map((r) => [r.run.info.runId, r.depth]), [['p', 0], ['c1', 1], ['g', 2], ['c2', 1], ['x', 0]])
  })

  it('keeps a child whose parent is missing at the top level', () => {
    assert.deepEqual(nestRuns([run('c', 'gone')], new Set()).map((r) => r.depth), [0])
  })

  it('shows every run of a parent cycle once', () => {
    const rows = nestRuns([run('a', 'b'), run('b', 'a')], new Set(['a', 'b']))
    assert.deepEqual(rows.map((r) => [r.run.info.runId, r.depth]), [['a', 0], ['b', 1]])
  })
})
