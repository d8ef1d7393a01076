import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pageJsonText, pageToWire } from './paging.ts'

const items = [{ a: 1 }, { b: 'é "x"' }]
const bytesOf = (texts: readonly string[]) => new TextEncoder().encode(texts.join(','))

describe('pageJsonText', () => {
  it('writes the bytes pageToWire + JSON.stringify write, with and without runs and a next page', () => {
    for (const page of [{ items }, { items, nextPageToken: 'tok"en' }, { items: [] }, { items: [], nextPageToken: 'next' }]) {
      const text = pageJsonText('runs', { items: bytesOf(page.items.map((item) => JSON.stringify(item))), nextPageToken: page.nextPageToken })
      assert.equal(text.text, JSON.stringify(pageToWire('runs', page, (item) => item)))
    }
  })
})
