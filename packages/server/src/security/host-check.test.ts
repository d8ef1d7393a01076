import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hostAllowed, originAllowed, splitHost } from './host-check.ts'
import { DEFAULT_ALLOWED_HOSTS, DEFAULT_CORS_ALLOWED_ORIGINS } from './settings.ts'

test('splits host headers, IPv6 included', () => {
  assert.deepEqual(splitHost('example.com:5000'), { name: 'example.com', port: '5000' })
  assert.deepEqual(splitHost('[::1]:5000'), { name: '::1', port: '5000' })
  assert.deepEqual(splitHost('::1'), { name: '::1', port: undefined })
  assert.deepEqual(splitHost('example.com'), { name: 'example.com', port: undefined })
})

test('the default host list takes localhost and private addresses, not public names or addresses', () => {
  for (const host of ['localhost:5000', 'LOCALHOST', 'app.localhost', '127.0.0.1:5000', '[::1]:5000', '10.1.2.3', '172.16.0.1:80', '172.31.255.255', '192.168.1.20:5000', '[fd00::1]:5000']) {
    assert.ok(hostAllowed(host, DEFAULT_ALLOWED_HOSTS), host)
  }
  for (const host of ['evil.example', 'evil.example:5000', '8.8.8.8', '172.32.0.1', '192.169.0.1', 'localhost.evil.example', '', '[2001:db8::1]:5000']) {
    assert.ok(!hostAllowed(host, DEFAULT_ALLOWED_HOSTS), host)
  }
})

test('host patterns: exact, with port, wildcard subdomain, any', () => {
  assert.ok(hostAllowed('mlflow.example.com', ['mlflow.example.com']))
  assert.ok(hostAllowed('mlflow.example.com:443', ['mlflow.example.com']))
  assert.ok(!hostAllowed('mlflow.example.com:8443', ['mlflow.example.com:443']))
  assert.ok(hostAllowed('a.example.com', ['*.example.com']))
  assert.ok(!hostAllowed('example.com.evil.net', ['*.example.com']))
  assert.ok(hostAllowed('anything', ['*']))
})

test('origin patterns: exact, port wildcard, any', () => {
  assert.ok(originAllowed('http://localhost:3000', DEFAULT_CORS_ALLOWED_ORIGINS))
  assert.ok(!originAllowed('http://localhost.evil.example:3000', DEFAULT_CORS_ALLOWED_ORIGINS))
  assert.ok(!originAllowed('http://evil.example', DEFAULT_CORS_ALLOWED_ORIGINS))
  assert.ok(!originAllowed('null', DEFAULT_CORS_ALLOWED_ORIGINS))
  assert.ok(originAllowed('https://app.example.com', ['https://app.example.com/']))
  assert.ok(!originAllowed('http://app.example.com', ['https://app.example.com']))
  assert.ok(originAllowed('https://x.y', ['*']))
})
