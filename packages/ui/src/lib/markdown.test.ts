import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseInline, parseMarkdown, safeHref } from './markdown.ts'

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists, quotes and fenced code', () => {
    const blocks = parseMarkdown('# Title\n\nSome *text*\ncontinued.\n\n- a\n- b\n\n1. one\n\n> quoted\n\n```\n<b>raw</b>\n```')
    assert.deepEqual(blocks.map((b) => b.kind), ['heading', 'paragraph', 'list', 'list', 'quote', 'code'])
    assert.deepEqual(blocks[1], {
      kind: 'paragraph',
      children: [{ kind: 'text', text: 'Some ' }, { kind: 'em', children: [{ kind: 'text', text: 'text' }] }, { kind: 'text', text: ' continued.' }],
    })
    assert.equal(blocks[5]!.kind === 'code' && blocks[5]!.text, '<b>raw</b>')
  })

  it('keeps raw HTML as text', () => {
    assert.deepEqual(parseMarkdown('<img src=x onerror=alert(1)>'), [
      { kind: 'paragraph', children: [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }] },
    ])
  })
})

describe('parseInline', () => {
  it('reads code, bold and links', () => {
    assert.deepEqual(parseInline('`x` **b** [doc](https://mlflow.org)'), [
      { kind: 'code', text: 'x' },
      { kind: 'text', text: ' ' },
      { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ' ' },
      { kind: 'link', href: 'https://mlflow.org', children: [{ kind: 'text', text: 'doc' }] },
    ])
  })

  it('turns unsafe link targets into plain text', () => {
    assert.deepEqual(parseInline('[click](javascript:alert(1))'), [{ kind: 'text', text: 'click)' }])
    assert.equal(safeHref(' data:text/html,x'), undefined)
    assert.equal(safeHref('/experiments/1'), '/experiments/1')
  })
})
