// The cost of access control per request: runs/get, runs/log-batch (100 metrics) and a 1000-run
// runs/search, each with authentication off, with Basic credentials and with a bearer token (each
// verified once, then remembered by the server's AccessCache until access changes). The caller is a
// non-admin user, so every request is also authorized (grant lookup, remembered too; searches
// filtered in SQL). `overhead` is (auth − off) / off, the ratio issue 12's target bounds (< 10 %).
// In-process through the app's fetch handler on one SQLite file: no network, so the overhead shows
// against the handler's own time, a stricter ratio than over HTTP.
//
//   node --import tsx bench/auth.ts [--quick]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createApp } from '@orchard/server'
import { openStores } from '@orchard/store'

const { values } = parseArgs({ options: { quick: { type: 'boolean' } } })
const ROUNDS = values.quick ? 100 : 400
const SEARCH_ROUNDS = values.quick ? 10 : 40
// Issue 12: authorization should cost under 10 % of the request.
const TARGET = 0.1

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'orchard-bench-auth-'))
  const { trackingStore, registryStore, authStore } = await openStores(`sqlite:///${join(dir, 'orchard.db')}`)
  try {
    await authStore.createUser('admin', 'admin-password-12', true)
    const user = await authStore.createUser('bench', 'bench-password-1')
    const { secret } = await authStore.createToken(user.id, 'bench')
    const experimentId = await trackingStore.createExperiment({ name: 'bench' })
    await authStore.createExperimentPermission(experimentId, 'bench', 'EDIT')
    const runIds: string[] = []
    for (let i = 0; i < 1000; i++) {
      const run = await trackingStore.createRun({ experimentId, userId: 'bench', startTime: i, tags: [] })
      runIds.push(run.info.runId)
    }
    await trackingStore.logBatch(runIds[0] as string, { metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }], params: [{ key: 'a', value: '1' }], tags: [] })

    const base = { trackingStore, registryStore, logError: () => undefined }
    const apps = {
      off: { app: createApp(base), headers: {} },
      basic: {
        app: createApp({ ...base, auth: { store: authStore, settings: { defaultPermission: 'READ' } } }),
        headers: { authorization: `Basic ${Buffer.from('bench:bench-password-1').toString('base64')}` },
      },
      bearer: {
        app: createApp({ ...base, auth: { store: authStore, settings: { defaultPermission: 'READ' } } }),
        headers: { authorization: `Bearer ${secret}` },
      },
    }
    const runId = runIds[0] as string
    const batch = JSON.stringify({ run_id: runId, metrics: Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: i, timestamp: Date.now(), step: i })) })
    const search = JSON.stringify({ experiment_ids: [experimentId], max_results: 1000 })
    const cases = {
      'runs/get': (app: (typeof apps)['off']) => app.app.request(`/api/2.0/mlflow/runs/get?run_id=${runId}`, { headers: app.headers }),
      'runs/log-batch (100 metrics)': (app: (typeof apps)['off']) =>
        app.app.request('/api/2.0/mlflow/runs/log-batch', { method: 'POST', headers: { ...app.headers, 'content-type': 'application/json' }, body: batch }),
      'runs/search (1000 runs)': (app: (typeof apps)['off']) =>
        app.app.request('/api/2.0/mlflow/runs/search', { method: 'POST', headers: { ...app.headers, 'content-type': 'application/json' }, body: search }),
    }
    const verdicts: string[] = []
    console.log('| request | auth off (ms) | Basic (ms) | overhead | Bearer token (ms) | overhead |')
    console.log('|---|---|---|---|---|---|')
    for (const [name, send] of Object.entries(cases)) {
      const rounds = name.includes('search') ? SEARCH_ROUNDS : ROUNDS
      const times: Record<string, number[]> = { off: [], basic: [], bearer: [] }
      for (const variant of Object.keys(apps) as (keyof typeof apps)[]) {
        const reply = await send(apps[variant]) // warm-up, and the Basic password verified once
        if (reply.status !== 200) throw new Error(`${name} (${variant}): ${reply.status} ${await reply.text()}`)
      }
      // Interleaved in a rotating order, so a slower moment of a loaded machine (or a collection
      // of the previous variant's garbage) falls on every variant alike.
      const variants = Object.keys(apps) as (keyof typeof apps)[]
      for (let i = 0; i < rounds; i++) {
        for (const variant of [...variants.slice(i % 3), ...variants.slice(0, i % 3)]) {
          const start = performance.now()
          const reply = await send(apps[variant])
          await reply.arrayBuffer()
          times[variant]?.push(performance.now() - start)
        }
      }
      const [off, basic, bearer] = [median(times.off ?? []), median(times.basic ?? []), median(times.bearer ?? [])]
      const pct = (x: number) => `${(((x - off) / off) * 100).toFixed(1)} %`
      console.log(`| ${name} | ${off.toFixed(3)} | ${basic.toFixed(3)} | ${pct(basic)} | ${bearer.toFixed(3)} | ${pct(bearer)} |`)
      verdicts.push(`${name}: ${Math.max(basic - off, bearer - off) / off < TARGET ? 'met' : 'NOT met'}`)
    }
    console.log(`\ntarget: overhead under ${TARGET * 100} % of the request with auth off — ${verdicts.join('; ')}`)
  } finally {
    await trackingStore.close()
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
