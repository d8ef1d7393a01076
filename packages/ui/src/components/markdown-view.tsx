import { parseMarkdown } from '../lib/markdown.ts'
import type { Block, Inline } from '../lib/markdown.ts'

// Markdown becomes React elements, never an HTML string, so a note cannot inject markup.

function InlineView({ nodes }: { readonly nodes: readonly Inline[] }) {
  return (
    <>
      {nodes.map((node, i) => {
        switch (node.kind) {
          case 'text':
            return <span key={i}>{node.text}</span>
          case 'code':
            return <code key={i}>{node.text}</code>
          case 'strong':
            return <strong key={i}><InlineView nodes={node.children} /></strong>
          case 'em':
            return <em key={i}><InlineView nodes={node.children} /></em>
          case 'link':
            return (
              <a key={i} href={node.href} target="_blank" rel="noreferrer noopener">
                <InlineView nodes={node.children} />
              </a>
            )
        }
      })}
    </>
  )
}

function BlockView({ block }: { readonly block: Block }) {
  switch (block.kind) {
    case 'heading': {
      const Tag = `h${Math.min(block.level + 2, 6)}` as 'h3'
      return <Tag><InlineView nodes={block.children} /></Tag>
    }
    case 'paragraph':
      return <p><InlineView nodes={block.children} /></p>
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}><InlineView nodes={item} /></li>)
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>
    }
    case 'quote':
      return <blockquote>{block.children.map((b, i) => <BlockView key={i} block={b} />)}</blockquote>
    case 'code':
      return <pre><code>{block.text}</code></pre>
  }
}

export function MarkdownView({ source }: { readonly source: string }) {
  return <div className="markdown">{parseMarkdown(source).map((block, i) => <BlockView key={i} block={block} />)}</div>
}
