import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { checkWebhookUrl, isPublicAddress } from '../src/webhooks/address-check.ts'
import { webhookSettingsFromEnv } from '../src/webhooks/settings.ts'
import { openRegistryTestApp } from './registry-harness.ts'
import type { RegistryTestApp } from './registry-harness.ts'

describe('webhook address check: IPv6 forms that reach IPv4', () => {
  it('judges NAT64 and IPv4-mapped addresses by the IPv4 address they reach, in any notation', () => {
    for (const address of ['64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '64:FF9B:0:0:0:0:c0a8:101', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:a9fe:a9fe']) {
      assert.equal(isPublicAddress(address), false, address)
    }
    for (const address of ['64:ff9b::808:808', '64:ff9b::8.8.8.8', '::ffff:8.8.8.8', '2606:4700:4700::1111', '8.8.8.8']) {
      assert.equal(isPublicAddress(address), true, address)
    }
  })

  it('never treats deprecated IPv4-compatible addresses (::a.b.c.d) as public', () => {
    for (const address of ['::127.0.0.1', '::7f00:1', '::10.0.0.1', '::8.8.8.8', '::']) assert.equal(isPublicAddress(address), false, address)
  })

  it('refuses such webhook URLs at creation', async () => {
    const settings = webhookSettingsFromEnv({ MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'https, http' })
    for (const url of ['http://[64:ff9b::7f00:1]/hook', 'http://[::127.0.0.1]/hook', 'http://[::ffff:7f00:1]/hook']) {
      await assert.rejects(checkWebhookUrl(url, settings), /non-public IP address/, url)
    }
  })
})

describe('webhooks/{id}/test against a slow receiver', () => {
  let app: RegistryTestApp
  let slow: ReturnType<typeof createServer>
  let url: string
  before(async () => {
    // Answers headers at once, then a byte of body every 200 ms, for ever: the socket is never idle.
    slow = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      const drip = setInterval(() => response.write('.'), 200)
      response.on('close', () => clearInterval(drip))
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`
    app = await openRegistryTestApp({
      webhookSettings: webhookSettingsFromEnv({
        MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'true',
        MLFLOW_WEBHOOK_ALLOWED_SCHEMES: 'http',
        MLFLOW_WEBHOOK_REQUEST_TIMEOUT: '1',
      }),
    })
  })
  after(async () => {
    await app.close()
    slow.closeAllConnections()
    await new Promise((resolve) => slow.close(resolve))
  })

  it('gives up at the request timeout and reports it', { timeout: 60_000 }, async () => {
    const created = await app.call('POST', 'webhooks', { name: 'slow', url, events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }] })
    assert.equal(created.status, 200)
    const started = Date.now()
    const tested = await app.call('POST', `webhooks/${created.json.webhook.webhook_id}/test`, {})
    const took = Date.now() - started
    assert.equal(tested.status, 200)
    assert.equal(tested.json.result.success, false)
    assert.match(tested.json.result.error_message, /no complete response within 1000 ms/)
    // Generous for a loaded machine; without the deadline this never returns.
    assert.ok(took < 20_000, `took ${took} ms`)
  })
})
