import { describeClient } from './describe-client.ts'
import { openEmbeddedTarget } from './harness.ts'

describeClient('an embedded SQLite store', openEmbeddedTarget)
