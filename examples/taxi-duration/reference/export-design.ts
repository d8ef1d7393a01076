// Development aid, not part of the pipeline: writes the prepared 2021-01 (train) and 2021-02 (val)
// design matrices as raw little-endian arrays so reference/solve.py can compute scipy reference
// solutions that the tests then hold our solvers to.
//   node --import tsx examples/taxi-duration/reference/export-design.ts /tmp/taxi-design
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireTaxiData } from '../data/data-dir.ts'
import { loadMonth } from '../pipeline/dataset.ts'
import { fitVectorizer, transform } from '../data/dict-vectorizer.ts'

const out = process.argv[2] ?? '/tmp/taxi-design'
mkdirSync(out, { recursive: true })
const dataDir = requireTaxiData()
const train = await loadMonth(dataDir, '2021-01')
const val = await loadMonth(dataDir, '2021-02')
const vectorizer = fitVectorizer(train.prepared)
for (const [name, month] of [['train', train], ['val', val]] as const) {
  const matrix = transform(vectorizer, month.prepared)
  writeFileSync(join(out, `${name}-row-start.i32`), matrix.rowStart)
  writeFileSync(join(out, `${name}-indices.i32`), matrix.indices)
  writeFileSync(join(out, `${name}-values.f64`), matrix.values)
  writeFileSync(join(out, `${name}-y.f64`), month.prepared.duration)
}
writeFileSync(join(out, 'features.json'), JSON.stringify(vectorizer.featureNames))
console.log(`wrote ${out}: ${vectorizer.featureNames.length} features`)
