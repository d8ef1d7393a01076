// Each class of malformed request that once answered 500 (or worse), on both backends: the answer is
// a 4xx in MLflow's error JSON naming what to fix, and nothing reaches the error log.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  MAX_FILTER_TERMS,
  MAX_JSON_DEPTH,
  MAX_ORDER_BY_KEYS,
  MAX_QUERY_STRING_BYTES,
  MAX_REGISTERED_MODEL_NAME_LENGTH,
} from '@orchard/protocol'
import { assertRefused, openHostileApp } from './hostile-harness.ts'
import type { Backend, HostileApp } from './hostile-harness.ts'

const andTerms = (n: number) => Array.from({ length: n }, (_, i) => `metrics.m${i} > ${i}`).join(' AND ')
const orderKeys = (n: number) => Array.from({ length: n }, (_, i) => `metrics.o${i}`)

for (const backend of ['sqlite', 'postgres'] as Backend[]) {
  describe(`hostile input on ${backend}`, () => {
    let h: HostileApp
    let runId: string
    before(async () => {
      h = await openHostileApp(backend)
      const created = await h.send('POST', 'runs/create', { experiment_id: '0' })
      runId = created.json.run.info.run_id
    })
    after(async () => {
      assert.deepEqual(h.errors, [], 'nothing was logged as a server error')
      await h.close()
    })

    it('refuses a body that is a bare NaN, Infinity or -Infinity', async () => {
      for (const body of ['NaN', '-Infinity', 'Infinity', '"NaN"', '"\\"NaN\\""']) {
        assertRefused(await h.send('POST', 'runs/create', body), 400, 'INVALID_PARAMETER_VALUE', 'must be a JSON object', body)
      }
    })

    it('refuses JSON nested deeper than the limit, naming it', async () => {
      for (const depth of [MAX_JSON_DEPTH + 1, 10_000]) {
        const body = `{"experiment_id": ${'['.repeat(depth)}${']'.repeat(depth)}}`
        assertRefused(await h.send('POST', 'runs/create', body), 400, 'INVALID_PARAMETER_VALUE', `nested deeper than ${MAX_JSON_DEPTH}`, `depth ${depth}`)
        // Through objects too, whatever their fields are called ("__proto__" is a field like any other).
        for (const field of ['a', '__proto__']) {
          const objects = `{"experiment_id": ${`{"${field}": `.repeat(depth)}1${'}'.repeat(depth)}}`
          assertRefused(await h.send('POST', 'runs/create', objects), 400, 'INVALID_PARAMETER_VALUE', `nested deeper than ${MAX_JSON_DEPTH}`, `${field} depth ${depth}`)
        }
      }
      // At the limit, a body is read as usual (then refused for what it holds, not for its depth).
      const deepest = `{"experiment_id": "0", "tags": [${'{"a": '.repeat(MAX_JSON_DEPTH - 2)}1${'}'.repeat(MAX_JSON_DEPTH - 2)}]}`
      const answer = await h.send('POST', 'runs/create', deepest)
      assert.equal(answer.status, 400, answer.text)
      assert.doesNotMatch(answer.text, /nested deeper/)
      // Brackets inside strings are text, not nesting.
      const name = '['.repeat(MAX_JSON_DEPTH * 2)
      assert.equal((await h.send('POST', 'experiments/create', { name })).status, 200)
    })

    it('refuses more filter terms than the limit before running SQL', async () => {
      const ok = await h.send('POST', 'runs/search', { experiment_ids: ['0'], filter: andTerms(MAX_FILTER_TERMS) })
      assert.equal(ok.status, 200, ok.text)
      for (const n of [MAX_FILTER_TERMS + 1, 999, 1500]) {
        const reply = await h.send('POST', 'runs/search', { experiment_ids: ['0'], filter: andTerms(n) })
        assertRefused(reply, 400, 'INVALID_PARAMETER_VALUE', `more than ${MAX_FILTER_TERMS} comparisons`, `${n} terms`)
      }
      const models = await h.send('GET', `logged-models/search?experiment_ids=0&filter=${encodeURIComponent(andTerms(MAX_FILTER_TERMS + 1))}`)
      assert.ok(models.status < 500, models.text)
      const experiments = await h.send('POST', 'experiments/search', {
        filter: Array.from({ length: MAX_FILTER_TERMS + 1 }, (_, i) => `tags.t${i} = 'x'`).join(' AND '),
      })
      assertRefused(experiments, 400, 'INVALID_PARAMETER_VALUE', `more than ${MAX_FILTER_TERMS} comparisons`, 'experiments')
      const versions = await h.send('GET', `model-versions/search?filter=${encodeURIComponent(Array.from({ length: MAX_FILTER_TERMS + 1 }, () => "name = 'a'").join(' AND '))}`)
      assertRefused(versions, 400, 'INVALID_PARAMETER_VALUE', `more than ${MAX_FILTER_TERMS} comparisons`, 'versions')
    })

    it('refuses more order_by keys than the limit, naming it', async () => {
      const ok = await h.send('POST', 'runs/search', { experiment_ids: ['0'], order_by: orderKeys(MAX_ORDER_BY_KEYS) })
      assert.equal(ok.status, 200, ok.text)
      for (const n of [MAX_ORDER_BY_KEYS + 1, 64, 500]) {
        const reply = await h.send('POST', 'runs/search', { experiment_ids: ['0'], order_by: orderKeys(n) })
        assertRefused(reply, 400, 'INVALID_PARAMETER_VALUE', `at most ${MAX_ORDER_BY_KEYS} order_by keys`, `${n} keys`)
      }
      const experiments = await h.send('POST', 'experiments/search', { order_by: Array.from({ length: 70 }, () => 'name') })
      assertRefused(experiments, 400, 'INVALID_PARAMETER_VALUE', `at most ${MAX_ORDER_BY_KEYS} order_by keys`, 'experiments')
    })

    it('refuses a query string longer than the limit, naming it', async () => {
      const reply = await h.send('GET', `runs/get?run_id=${runId}&pad=${'x'.repeat(MAX_QUERY_STRING_BYTES)}`)
      assertRefused(reply, 400, 'INVALID_PARAMETER_VALUE', `query string of`, 'long query')
      assert.match(reply.json.message, new RegExp(`limit of ${MAX_QUERY_STRING_BYTES}`))
    })

    it('treats constructor and __proto__ as unknown registry filter and order keys', async () => {
      for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        for (const path of ['registered-models/search', 'model-versions/search']) {
          const filtered = await h.send('GET', `${path}?filter=${encodeURIComponent(`${key} = 'x'`)}`)
          assertRefused(filtered, 400, 'INVALID_PARAMETER_VALUE', `invalid attribute key '${key}'`, `${path} filter ${key}`)
          const ordered = await h.send('GET', `${path}?order_by=${key}`)
          assertRefused(ordered, 400, 'INVALID_PARAMETER_VALUE', `Invalid order by key '${key}'`, `${path} order ${key}`)
        }
        const runs = await h.send('POST', 'runs/search', { experiment_ids: ['0'], filter: `attributes.${key} = 'x'`, order_by: [`attributes.${key}`] })
        assertRefused(runs, 400, 'INVALID_PARAMETER_VALUE', key, `runs ${key}`)
        const experiments = await h.send('POST', 'experiments/search', { filter: `attributes.${key} = 'x'` })
        assertRefused(experiments, 400, 'INVALID_PARAMETER_VALUE', key, `experiments ${key}`)
        const ordered = await h.send('POST', 'experiments/search', { order_by: [key] })
        assertRefused(ordered, 400, 'INVALID_PARAMETER_VALUE', key, `experiments order ${key}`)
      }
    })

    it('refuses an artifact path segment longer than 255 bytes on every artifact endpoint', async () => {
      const long = 'a'.repeat(300)
      const longUtf8 = 'é'.repeat(200) // 400 bytes
      for (const segment of [long, longUtf8]) {
        const path = `1/${encodeURIComponent(segment)}/file.txt`
        for (const [method, url] of [
          ['GET', `/api/2.0/mlflow-artifacts/artifacts/${path}`],
          ['PUT', `/api/2.0/mlflow-artifacts/artifacts/${path}`],
          ['DELETE', `/api/2.0/mlflow-artifacts/artifacts/${path}`],
          ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=${path}`],
          ['GET', `/get-artifact?run_id=${runId}&path=${encodeURIComponent(segment)}`],
          ['GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${encodeURIComponent(segment)}`],
        ] as const) {
          const reply = await h.send(method, url, method === 'PUT' ? 'bytes' : undefined)
          assertRefused(reply, 400, 'INVALID_PARAMETER_VALUE', '255 bytes', `${method} ${url.slice(0, 60)}`)
        }
      }
    })

    it('refuses NUL characters in strings, in bodies and query strings', async () => {
      assertRefused(await h.send('POST', 'experiments/create', { name: 'a\u0000b' }), 400, 'INVALID_PARAMETER_VALUE', 'NUL', 'body')
      assertRefused(
        await h.send('POST', 'runs/set-tag', { run_id: runId, key: 'k', value: 'v\u0000' }),
        400,
        'INVALID_PARAMETER_VALUE',
        'NUL',
        'tag value',
      )
      assertRefused(await h.send('GET', `experiments/get-by-name?experiment_name=a%00b`), 400, 'INVALID_PARAMETER_VALUE', 'NUL', 'query')
      // An escaped backslash followed by u0000 is six ordinary characters.
      assert.equal((await h.send('POST', 'experiments/create', '{"name": "a\\\\u0000b"}')).status, 200)
    })

    it('refuses version numbers beyond the 64-bit range', async () => {
      await h.send('POST', 'registered-models/create', { name: 'big' })
      for (const version of ['99999999999999999999', '9223372036854775808', '1e30', '-1']) {
        const reply = await h.send('GET', `model-versions/get?name=big&version=${version}`)
        assert.ok(reply.status === 400 || reply.status === 404, `${version}: ${reply.status} ${reply.text}`)
        assert.ok(reply.json?.error_code, reply.text)
      }
      const filtered = await h.send('GET', `model-versions/search?filter=${encodeURIComponent('version_number > 99999999999999999999')}`)
      assert.ok(filtered.status === 400 || filtered.status === 200, filtered.text)
      const stepped = await h.send('POST', 'runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: 1, step: 1e30 })
      assertRefused(stepped, 400, 'INVALID_PARAMETER_VALUE', 'step', 'step 1e30')
    })

    it('refuses a negative or zero max_results on bulk history', async () => {
      for (const maxResults of ['-1', '0', '-99999999999']) {
        const reply = await h.send('GET', `/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${runId}&metric_key=m&max_results=${maxResults}`)
        assertRefused(reply, 400, 'INVALID_PARAMETER_VALUE', 'max_results', `max_results ${maxResults}`)
      }
    })

    it('refuses a registered model name longer than the limit', async () => {
      const reply = await h.send('POST', 'registered-models/create', { name: 'n'.repeat(3000) })
      assertRefused(reply, 400, 'INVALID_PARAMETER_VALUE', String(MAX_REGISTERED_MODEL_NAME_LENGTH), 'long name')
      const ok = await h.send('POST', 'registered-models/create', { name: 'n'.repeat(MAX_REGISTERED_MODEL_NAME_LENGTH) })
      assert.equal(ok.status, 200, ok.text)
    })

    it('answers 413 in MLflow error JSON for a body over the limit, without reading all of it', async () => {
      let pulled = 0
      const chunk = new Uint8Array(64 * 1024).fill(0x20)
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += chunk.length
          if (pulled > 64 * 1024 * 1024) controller.close()
          else controller.enqueue(chunk)
        },
      })
      const response = await h.app.request('/api/2.0/mlflow/runs/log-batch', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit)
      assert.equal(response.status, 413)
      const json = (await response.json()) as { error_code: string; message: string }
      assert.equal(json.error_code, 'BAD_REQUEST')
      assert.match(json.message, /exceeds the limit of 1000000 bytes/)
      assert.ok(pulled < 8 * 1024 * 1024, `read ${pulled} bytes before refusing`)
      // A declared length over the limit is refused the same way.
      const declared = await h.send('POST', 'runs/log-batch', ' '.repeat(1_000_001))
      assert.equal(declared.status, 413)
      assert.equal(declared.json.error_code, 'BAD_REQUEST')
    })
  })
}
