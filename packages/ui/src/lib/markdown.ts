// A small markdown subset for run descriptions (tag `mlflow.note.content`): headings, paragraphs,
// lists, block quotes, fenced code, and inline code, bold, italic and links. It produces a tree that
// the UI renders as React elements, so raw HTML in a note is shown as text and never parsed.

export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong' | 'em'; readonly children: Inline[] }
  | { readonly kind: 'link'; readonly href: string; readonly children: Inline[] }

export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3 | 4 | 5 | 6; readonly children: Inline[] }
  | { readonly kind: 'paragraph'; readonly children: Inline[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: Inline[][] }
  | { readonly kind: 'quote'; readonly children: Block[] }
  | { readonly kind: 'code'; readonly text: string }

// Only these link targets become links; `javascript:` and `data:` stay text.
const SAFE_HREF = /^(https?:\/\/|mailto:|\/|#)/i

/** The link target if it is safe to put in an href, else undefined. */
export function safeHref(href: string): string | undefined {
  const trimmed = href.trim()
  return SAFE_HREF.test(trimmed) ? trimmed : undefined
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = []
  let plain = ''
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: plain })
    plain = ''
  }
  let i = 0
  while (i < text.length) {
    const rest = text.slice(i)
    const code = /^`([^`]+)`/.exec(rest)
    const strong = /^(\*\*|__)(?=\S)([\s\S]*?\S)\1/.exec(rest)
    const em = /^(\*|_)(?=\S)([\s\S]*?\S)\1/.exec(rest)
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(rest)
    if (code) {
      flush()
      out.push({ kind: 'code', text: code[1]! })
      i += code[0].length
    } else if (strong) {
      flush()
      out.push({ kind: 'strong', children: parseInline(strong[2]!) })
      i += strong[0].length
    } else if (em) {
      flush()
      out.push({ kind: 'em', children: parseInline(em[2]!) })
      i += em[0].length
    } else if (link) {
      const href = safeHref(link[2]!)
      if (href) {
        flush()
        out.push({ kind: 'link', href, children: parseInline(link[1]!) })
      } else {
        plain += link[1]!
      }
      i += link[0].length
    } else {
      plain += text[i]
      i++
    }
  }
  flush()
  return out
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/
const BULLET = /^\s*[-*+]\s+(.*)$/
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/
const FENCE = /^\s*```/

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (line.trim() === '') {
      i++
    } else if (FENCE.test(line)) {
      const body: string[] = []
      i++
      while (i < lines.length && !FENCE.test(lines[i]!)) body.push(lines[i++]!)
      i++
      blocks.push({ kind: 'code', text: body.join('\n') })
    } else if (HEADING.test(line)) {
      const [, hashes, text] = HEADING.exec(line)!
      blocks.push({ kind: 'heading', level: hashes!.length as 1, children: parseInline(text!) })
      i++
    } else if (line.startsWith('>')) {
      const body: string[] = []
      while (i < lines.length && lines[i]!.startsWith('>')) body.push(lines[i++]!.replace(/^>\s?/, ''))
      blocks.push({ kind: 'quote', children: parseMarkdown(body.join('\n')) })
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      const ordered = !BULLET.test(line)
      const pattern = ordered ? NUMBERED : BULLET
      const items: Inline[][] = []
      while (i < lines.length && pattern.test(lines[i]!)) items.push(parseInline(pattern.exec(lines[i++]!)![1]!))
      blocks.push({ kind: 'list', ordered, items })
    } else {
      const body: string[] = []
      const startsBlock = (l: string) => l.trim() === '' || FENCE.test(l) || HEADING.test(l) || l.startsWith('>') || BULLET.test(l) || NUMBERED.test(l)
      while (i < lines.length && (body.length === 0 || !startsBlock(lines[i]!))) body.push(lines[i++]!.trim())
      blocks.push({ kind: 'paragraph', children: parseInline(body.join(' ')) })
    }
  }
  return blocks
}
