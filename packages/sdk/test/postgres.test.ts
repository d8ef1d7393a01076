import { testDatabase } from '@orchard/store/testing'
import { openEmbeddedTransport } from '../src/embedded/open-embedded.ts'
import { describeClient } from './describe-client.ts'

// The embedded transport on a `postgresql://` tracking URI: this file's own database on the test
// server (ORCHARD_TEST_PG_URL, as the store's tests use), created and dropped around the suite.

const database = testDatabase('orchard_sdk')

describeClient('an embedded PostgreSQL store', async () => {
  await database.create()
  return {
    trackingUri: database.url,
    openTransport: () => openEmbeddedTransport(database.url),
    close: () => database.drop(),
  }
})
