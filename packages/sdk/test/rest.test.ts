import { describeClient } from './describe-client.ts'
import { openServerTarget } from './harness.ts'

describeClient('HTTP to a live server', openServerTarget)
