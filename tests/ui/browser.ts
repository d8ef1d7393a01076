// Headless Chromium (Debian's, driven by playwright-core) for the browser tests, and where they save
// screenshots. A page error fails the test that caused it.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'

export const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// Checked as the test file loads, before its hooks start a server beside the browser: a launch that
// failed after the server was up left the file's process running, and the whole suite waiting on it.
if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` or set CHROMIUM_PATH.`)

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport, colorScheme: 'light' })
  const page = await context.newPage()
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`))
  return page
}

/**
 * Read `read()` until `done` accepts its value or `timeoutMs` passes, and return the last value read.
 * For reads Playwright does not wait on (allTextContents, a legend after a redraw): the assertion
 * that follows still decides, with the value the page settled on.
 */
export async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
