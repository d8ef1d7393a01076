import { after, before } from 'node:test'
import { runSql, testDatabase } from './pg-database.ts'
import { describeWorkspaces } from './workspaces-suite.ts'

const database = testDatabase('orchard_workspaces')
before(() => database.create())
after(() => database.drop())

let schemas = 0
describeWorkspaces('PostgreSQL', async () => {
  const schema = `s${++schemas}`
  await runSql(database.url, `CREATE SCHEMA ${schema}`)
  return `${database.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
})
