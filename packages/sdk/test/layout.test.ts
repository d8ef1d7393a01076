import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import ts from 'typescript'

// Two layout rules of the SDK, checked on the source: `@orchard/sdk/rest` runs in a browser, and no
// route path is typed by hand (every URL comes from the protocol route table).

const SRC = fileURLToPath(new URL('../src/', import.meta.url))
const BROWSER_SAFE_PACKAGES = new Set(['@orchard/core', '@orchard/protocol', '@orchard/protocol/base'])

const parse = (file: string) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true)

function moduleSpecifiers(source: ts.SourceFile): string[] {
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments
      if (argument && ts.isStringLiteral(argument)) found.push(argument.text)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function nodeGlobals(source: ts.SourceFile): string[] {
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node) && (node.text === 'process' || node.text === 'Buffer' || node.text === 'require')) found.push(node.text)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

test('everything @orchard/sdk/rest reaches is browser-safe: no node: modules, no Node globals, no store', () => {
  const seen = new Set<string>()
  const queue = [join(SRC, 'rest', 'index.ts')]
  const problems: string[] = []
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    const source = parse(file)
    for (const specifier of moduleSpecifiers(source)) {
      if (specifier.startsWith('.')) queue.push(resolve(dirname(file), specifier))
      else if (!BROWSER_SAFE_PACKAGES.has(specifier)) problems.push(`${file.slice(SRC.length)} imports ${specifier}`)
    }
    for (const name of nodeGlobals(source)) problems.push(`${file.slice(SRC.length)} uses ${name}`)
  }
  assert.ok(seen.size > 5, `only reached ${[...seen].join(', ')}`)
  assert.deepEqual(problems, [])
})

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

// Strings that look like routes and are not: the folder MLflow mounts a project at inside a container.
const NOT_ROUTES = new Set(['/mlflow/projects/code'])

test('no SDK source types an MLflow route path: URLs come from the protocol route table', () => {
  const problems: string[] = []
  for (const file of sourceFiles(SRC)) {
    const visit = (node: ts.Node) => {
      if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
        if (/\/mlflow\/|\/api\/\d/.test(node.text) && !NOT_ROUTES.has(node.text)) problems.push(`${file.slice(SRC.length)}: '${node.text}'`)
      }
      ts.forEachChild(node, visit)
    }
    visit(parse(file))
  }
  assert.deepEqual(problems, [])
})
