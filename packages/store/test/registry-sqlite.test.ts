import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { describeRegistryStore } from './registry-suite.ts'

const folder = mkdtempSync(join(tmpdir(), 'orchard-registry-'))
let databases = 0
after(() => rmSync(folder, { recursive: true, force: true }))

describeRegistryStore('SQLite', { newDatabaseUri: async () => `sqlite:///${join(folder, `registry-${++databases}.db`)}` })
