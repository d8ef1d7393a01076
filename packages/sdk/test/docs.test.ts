import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import ts from 'typescript'

// Every public door of the package (its index and the rest sub-path) documents every export, and
// every public or protected member of an exported class declared here (OrchardError's members are
// @orchard/protocol's to document). A member that implements a documented interface member counts
// as documented: TypeScript shows the interface's comment for it.

const ENTRY_POINTS = ['../src/index.ts', '../src/rest/index.ts'].map((path) => fileURLToPath(new URL(path, import.meta.url)))

const program = ts.createProgram(ENTRY_POINTS, {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  allowImportingTsExtensions: true,
  noEmit: true,
  strict: true,
  skipLibCheck: true,
  types: ['node'],
})
const checker = program.getTypeChecker()

const hasDocs = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== ''
const isHidden = (member: ts.ClassElement) =>
  ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Private || (member.name !== undefined && ts.isPrivateIdentifier(member.name))

function undocumentedMembers(className: string, symbol: ts.Symbol): string[] {
  const missing: string[] = []
  for (const declaration of symbol.declarations ?? []) {
    if (!ts.isClassDeclaration(declaration) || !declaration.getSourceFile().fileName.includes('/packages/sdk/')) continue
    for (const member of declaration.members) {
      if (isHidden(member) || ts.isClassStaticBlockDeclaration(member) || ts.isSemicolonClassElement(member)) continue
      if (ts.isConstructorDeclaration(member)) {
        if (ts.getJSDocCommentsAndTags(member).length === 0) missing.push(`${className} constructor`)
        continue
      }
      const memberSymbol = member.name ? checker.getSymbolAtLocation(member.name) : undefined
      if (memberSymbol && !hasDocs(memberSymbol)) missing.push(`${className}.${memberSymbol.name}`)
    }
  }
  return missing
}

for (const entry of ENTRY_POINTS) {
  const name = entry.slice(entry.indexOf('/src/'))
  test(`every export of ${name} and every member of its classes has a doc comment`, () => {
    const source = program.getSourceFile(entry)
    assert.ok(source, `${entry} is not part of the program`)
    const module = checker.getSymbolAtLocation(source)
    assert.ok(module)
    const exports = checker.getExportsOfModule(module)
    assert.ok(exports.length > 5)
    const missing: string[] = []
    for (const exported of exports) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      if (!hasDocs(symbol)) missing.push(exported.name)
      if (symbol.flags & ts.SymbolFlags.Class) missing.push(...undocumentedMembers(exported.name, symbol))
    }
    assert.deepEqual(missing, [], `undocumented: ${missing.join(', ')}`)
  })
}

test('the program type-checks, so the doc check saw real declarations', () => {
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.file && d.file.fileName.includes('/packages/sdk/'))
  assert.deepEqual(
    errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
  )
})
