// A model's signature and input example, read from its MLmodel file (YAML). MLflow writes
//   signature:
//     inputs: '[{"type": "double", "name": "trip_distance", "required": true}]'
//     outputs: '[{"type": "double", "required": true}]'
//     params: null
//   saved_input_example_info:
//     artifact_path: input_example.json
// where each spec is JSON inside a YAML scalar, single-quoted (quotes doubled) and folded over several
// lines when long. This reads exactly that shape; anything else is reported as absent.

export interface SignatureColumn {
  readonly name: string
  readonly type: string
  readonly required: boolean
}

export interface ModelSignature {
  readonly inputs?: readonly SignatureColumn[]
  readonly outputs?: readonly SignatureColumn[]
  readonly params?: readonly SignatureColumn[]
}

/** The raw YAML scalar under `section:` → `field:`, with folded continuation lines joined. */
function nestedScalar(lines: readonly string[], section: string, field: string): string | undefined {
  const start = lines.findIndex((l) => l === `${section}:` || l.startsWith(`${section}: `))
  if (start < 0) return undefined
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!
    if (/^\S/.test(line)) return undefined
    const match = new RegExp(`^ {2}${field}:\\s*(.*)$`).exec(line)
    if (!match) continue
    let text = match[1]!
    for (let j = i + 1; j < lines.length && /^ {3,}\S/.test(lines[j]!); j++) text += ` ${lines[j]!.trim()}`
    return text
  }
  return undefined
}

function unquote(scalar: string): string | undefined {
  const text = scalar.trim()
  if (text === '' || text === 'null' || text === '~') return undefined
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'")
  if (text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string
    } catch {
      return undefined
    }
  }
  return text
}

function columns(scalar: string | undefined): SignatureColumn[] | undefined {
  const json = scalar === undefined ? undefined : unquote(scalar)
  if (!json) return undefined
  try {
    const parsed: unknown = JSON.parse(json)
    if (!Array.isArray(parsed)) return undefined
    return parsed.map((c: { name?: unknown; type?: unknown; required?: unknown; tensor_spec?: { dtype?: unknown; shape?: unknown } }) => ({
      name: typeof c.name === 'string' ? c.name : '',
      type: typeof c.type === 'string' ? (c.type === 'tensor' && c.tensor_spec ? `tensor ${String(c.tensor_spec.dtype)} ${JSON.stringify(c.tensor_spec.shape)}` : c.type) : '?',
      required: c.required !== false,
    }))
  } catch {
    return undefined
  }
}

export function readSignature(mlmodel: string): { readonly signature?: ModelSignature; readonly inputExample?: string } {
  const lines = mlmodel.split(/\r?\n/)
  const inputs = columns(nestedScalar(lines, 'signature', 'inputs'))
  const outputs = columns(nestedScalar(lines, 'signature', 'outputs'))
  const params = columns(nestedScalar(lines, 'signature', 'params'))
  const example = nestedScalar(lines, 'saved_input_example_info', 'artifact_path')
  const inputExample = example === undefined ? undefined : unquote(example)
  return {
    ...(inputs || outputs || params ? { signature: { ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}), ...(params ? { params } : {}) } } : {}),
    ...(inputExample ? { inputExample } : {}),
  }
}
