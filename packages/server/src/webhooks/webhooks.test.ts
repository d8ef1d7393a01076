import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isPublicAddress } from './address-check.ts'
import { retryTime } from './delivery-loop.ts'
import { signPayload } from './send.ts'
import { webhookSettingsFromEnv } from './settings.ts'

describe('webhook settings', () => {
  it("reads MLflow's variables with MLflow's defaults", () => {
    assert.deepEqual(webhookSettingsFromEnv({}), {
      allowedSchemes: ['https'],
      allowPrivateIps: false,
      requestTimeoutMs: 30_000,
      maxRetries: 3,
      backoffBaseMs: 1000,
      backoffMaxMs: 60_000,
      jitterMs: 1000,
    })
    const set = webhookSettingsFromEnv({
      MLFLOW_WEBHOOK_ALLOWED_SCHEMES: ' HTTP , https ',
      MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'True',
      MLFLOW_WEBHOOK_REQUEST_TIMEOUT: '5',
      MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES: '0',
    })
    assert.deepEqual([set.allowedSchemes, set.allowPrivateIps, set.requestTimeoutMs, set.maxRetries], [['http', 'https'], true, 5000, 0])
    assert.equal(webhookSettingsFromEnv({ MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS: 'yes' }).allowPrivateIps, false)
    assert.throws(() => webhookSettingsFromEnv({ MLFLOW_WEBHOOK_REQUEST_TIMEOUT: '2s' }), { code: 'INVALID_PARAMETER_VALUE', message: /MLFLOW_WEBHOOK_REQUEST_TIMEOUT must be a whole number/ })
  })
})

describe('signPayload', () => {
  it("matches MLflow's v1 signature (value computed with Python's hmac)", () => {
    assert.equal(signPayload('test-secret-key', 'abc-123', '1700000000', '{"entity": "model_version"}'), 'v1,fqopUOSUILmzdWuOk+Hf2dYIMBabYR4qSyMOn6fdkG0=')
  })
})

describe('isPublicAddress', () => {
  it('refuses loopback, private, link-local, shared, reserved and unique-local addresses', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '240.0.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', 'not-an-ip']) {
      assert.equal(isPublicAddress(address), false, address)
    }
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPublicAddress(address), true, address)
  })
})

describe('retryTime', () => {
  const settings = { ...webhookSettingsFromEnv({}), jitterMs: 1000 }
  const noJitter = () => 0
  it('backs off exponentially with jitter on 429, 5xx and network errors, up to the retry limit', () => {
    assert.equal(retryTime({ status: 503 }, 1, settings, 0, noJitter), 1000)
    assert.equal(retryTime({ error: 'ECONNREFUSED' }, 2, settings, 0, noJitter), 2000)
    assert.equal(retryTime({ status: 429 }, 3, settings, 0, () => 0.5), 4500)
    assert.equal(retryTime({ status: 500 }, 4, settings, 0, noJitter), undefined)
    assert.equal(retryTime({ status: 500 }, 3, { ...settings, maxRetries: 100 }, 0, noJitter), 4000)
    assert.equal(retryTime({ status: 500 }, 20, { ...settings, maxRetries: 100 }, 0, noJitter), 60_000)
  })
  it('honours Retry-After within the cap, and gives up on other statuses and refused addresses', () => {
    assert.equal(retryTime({ status: 429, retryAfterSeconds: 7 }, 1, settings, 0, noJitter), 7000)
    assert.equal(retryTime({ status: 503, retryAfterSeconds: 3600 }, 1, settings, 0, noJitter), 60_000)
    assert.equal(retryTime({ status: 404 }, 1, settings, 0, noJitter), undefined)
    assert.equal(retryTime({ error: 'refused', refused: true }, 1, settings, 0, noJitter), undefined)
  })
})
