import assert from 'node:assert/strict'
import { it } from 'node:test'
import { moveTo } from './reorder.ts'

it('moves an item onto a later item’s place (after it) and an earlier one’s (before it)', () => {
  assert.deepEqual(moveTo(['a', 'b', 'c', 'd'], 'a', 'c'), ['b', 'c', 'a', 'd'])
  assert.deepEqual(moveTo(['a', 'b', 'c', 'd'], 'd', 'b'), ['a', 'd', 'b', 'c'])
  assert.deepEqual(moveTo(['a', 'b'], 'b', 'a'), ['b', 'a'])
})

it('leaves the list as it was when an item is missing or moved onto itself', () => {
  assert.deepEqual(moveTo(['a', 'b'], 'x', 'a'), ['a', 'b'])
  assert.deepEqual(moveTo(['a', 'b'], 'a', 'x'), ['a', 'b'])
  assert.deepEqual(moveTo(['a', 'b'], 'a', 'a'), ['a', 'b'])
})
