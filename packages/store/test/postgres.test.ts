import { after, before } from 'node:test'
import { describeTrackingStore } from './describe-tracking-store.ts'
import { runSql, testDatabase } from './pg-database.ts'

const database = testDatabase('orchard_test')
before(() => database.create())
after(() => database.drop())

let schemas = 0
describeTrackingStore('PostgreSQL', {
  // Each test gets a fresh schema in this file's own database, selected with search_path.
  async newDatabaseUri() {
    const schema = `s${++schemas}`
    await runSql(database.url, `CREATE SCHEMA ${schema}`)
    return `${database.url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`
  },
})
