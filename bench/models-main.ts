// `node --import tsx bench/models-main.ts [--quick]`: only the model serving and batch-scoring benchmark.
import { parseArgs } from 'node:util'
import { modelsBenchmark } from './models.ts'

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const quick = args.quick ?? false
const results = await modelsBenchmark(quick ? { singleRequests: 2_000, batchRequests: 200, parquetRows: 200_000 } : { singleRequests: 20_000, batchRequests: 2_000, parquetRows: 1_000_000 })
for (const [key, value] of Object.entries(results)) console.log(`${key.padEnd(34)} ${value.toLocaleString('en', { maximumFractionDigits: 2 })}`)
console.log(JSON.stringify(results))
