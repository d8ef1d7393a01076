// The CPU time access control adds per request, for a shared machine where bench/auth.ts's
// wall-clock medians move more than the effect: runs/get and runs/log-batch (100 metrics) with
// authentication off, a bearer token and Basic credentials (both remembered after the first
// request), in interleaved blocks, each block's process.cpuUsage divided by its requests. A busy
// neighbour mostly slows some blocks; the low quantiles show the least disturbed ones.
//
//   node --import tsx bench/auth-cpu.ts [blocks=60] [requests per block=50]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '@orchard/server'
import { openStores } from '@orchard/store'

const BLOCKS = Number(process.argv[2] ?? 60)
const PER_BLOCK = Number(process.argv[3] ?? 50)

const dir = await mkdtemp(join(tmpdir(), 'orchard-bench-auth-cpu-'))
const { trackingStore, registryStore, authStore } = await openStores(`sqlite:///${join(dir, 'orchard.db')}`)
try {
  const user = await authStore.createUser('bench', 'bench-password-1')
  const { secret } = await authStore.createToken(user.id, 'bench')
  const experimentId = await trackingStore.createExperiment({ name: 'bench' })
  await authStore.createExperimentPermission(experimentId, 'bench', 'EDIT')
  const runId = (await trackingStore.createRun({ experimentId, userId: 'bench', startTime: 0, tags: [] })).info.runId
  await trackingStore.logBatch(runId, { metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }], params: [{ key: 'a', value: '1' }], tags: [] })
  const base = { trackingStore, registryStore, logError: (error: unknown) => console.error(error) }
  const auth = { store: authStore, settings: { defaultPermission: 'READ' as const } }
  const apps = {
    off: { app: createApp(base), headers: {} },
    bearer: { app: createApp({ ...base, auth }), headers: { authorization: `Bearer ${secret}` } },
    basic: { app: createApp({ ...base, auth }), headers: { authorization: `Basic ${Buffer.from('bench:bench-password-1').toString('base64')}` } },
  }
  type Variant = (typeof apps)['off']
  const batch = JSON.stringify({ run_id: runId, metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })) })
  const requests = {
    'runs/get': (v: Variant) => v.app.request(`/api/2.0/mlflow/runs/get?run_id=${runId}`, { headers: v.headers }),
    'runs/log-batch (100 metrics)': (v: Variant) =>
      v.app.request('/api/2.0/mlflow/runs/log-batch', { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: batch }),
  }
  const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)] ?? Number.NaN
  const names = Object.keys(apps) as (keyof typeof apps)[]
  for (const [name, send] of Object.entries(requests)) {
    for (const variant of names) {
      for (let i = 0; i < 300; i++) {
        const reply = await send(apps[variant])
        if (reply.status !== 200) throw new Error(`${name} (${variant}): ${reply.status} ${await reply.text()}`)
        await reply.arrayBuffer()
      }
    }
    const cpu: Record<string, number[]> = { off: [], bearer: [], basic: [] }
    for (let block = 0; block < BLOCKS; block++) {
      for (const variant of [...names.slice(block % 3), ...names.slice(0, block % 3)]) {
        const start = process.cpuUsage()
        for (let i = 0; i < PER_BLOCK; i++) await (await send(apps[variant])).arrayBuffer()
        const used = process.cpuUsage(start)
        cpu[variant]?.push((used.user + used.system) / PER_BLOCK)
      }
    }
    for (const q of [0.1, 0.25, 0.5]) {
      const off = quantile(cpu.off ?? [], q)
      const cell = (variant: string) => {
        const value = quantile(cpu[variant] ?? [], q)
        return `${variant} ${value.toFixed(1)} µs (${(((value - off) / off) * 100).toFixed(1)} %)`
      }
      console.log(`${name}, ${q * 100}th percentile of blocks: ${names.map(cell).join(' | ')}`)
    }
  }
} finally {
  await trackingStore.close()
  await rm(dir, { recursive: true, force: true })
}
