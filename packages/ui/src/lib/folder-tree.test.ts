import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ancestorFolders, buildFolderTree, leafLabel } from './folder-tree.ts'

const exp = (experimentId: string, name: string) => ({ experimentId, name })

describe('buildFolderTree', () => {
  it('nests names containing slashes under folders and keeps plain names at the top', () => {
    const tree = buildFolderTree([exp('1', 'team-a/churn/baseline'), exp('2', 'Default'), exp('3', 'team-a/churn/xgb'), exp('4', 'team-a/ltv')])
    assert.deepEqual(tree.experiments.map((e) => e.name), ['Default'])
    assert.equal(tree.children.length, 1)
    const teamA = tree.children[0]!
    assert.equal(teamA.path, 'team-a')
    assert.deepEqual(teamA.experiments.map((e) => e.experimentId), ['4'])
    const churn = teamA.children[0]!
    assert.equal(churn.path, 'team-a/churn')
    assert.deepEqual(churn.experiments.map((e) => e.experimentId), ['1', '3'])
  })

  it('lets an experiment and a folder share a path', () => {
    const tree = buildFolderTree([exp('1', 'a/b'), exp('2', 'a/b/c')])
    const a = tree.children[0]!
    assert.deepEqual(a.experiments.map((e) => e.name), ['a/b'])
    assert.deepEqual(a.children[0]!.experiments.map((e) => e.name), ['a/b/c'])
  })

  it('ignores empty segments from leading, doubled or trailing slashes', () => {
    const tree = buildFolderTree([exp('1', '/Users/me//exp/')])
    assert.equal(tree.children[0]!.label, 'Users')
    assert.equal(tree.children[0]!.children[0]!.path, 'Users/me')
    assert.deepEqual(tree.children[0]!.children[0]!.experiments.map((e) => e.experimentId), ['1'])
  })

  it('sorts each level by name, numbers numerically', () => {
    const tree = buildFolderTree([exp('1', 'run-10'), exp('2', 'run-9'), exp('3', 'Alpha')])
    assert.deepEqual(tree.experiments.map((e) => e.name), ['Alpha', 'run-9', 'run-10'])
  })
})

describe('leafLabel and ancestorFolders', () => {
  it('name the last segment and the folders above it', () => {
    assert.equal(leafLabel('team-a/churn/baseline'), 'baseline')
    assert.equal(leafLabel('///'), '///')
    assert.deepEqual(ancestorFolders('team-a/churn/baseline'), ['team-a', 'team-a/churn'])
    assert.deepEqual(ancestorFolders('plain'), [])
  })
})
