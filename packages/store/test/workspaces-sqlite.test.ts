import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import { describeWorkspaces } from './workspaces-suite.ts'

const folder = mkdtempSync(join(tmpdir(), 'orchard-workspaces-'))
let databases = 0
after(() => rmSync(folder, { recursive: true, force: true }))

describeWorkspaces('SQLite', async () => `sqlite:///${join(folder, `tracking-${++databases}.db`)}`)
