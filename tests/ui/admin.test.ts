// The admin page in Chromium against a real server with access control and workspaces on: every
// action made through the page (users, groups and membership, workspaces, roles with grants and
// deny, assignment to users and groups), each checked against the server's own state; the server's
// refusals shown inline; destructive actions behind a confirmation; and non-admins kept out.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { ADMIN, openAuthUiServer, signInWithPassword } from './auth-ui-server.ts'
import type { AuthUiServer } from './auth-ui-server.ts'
import { SCREENSHOTS, launchBrowser, newPage } from './browser.ts'

const DANA = { username: 'dana', password: 'dana-password-1' }

describe('the admin page in Chromium', () => {
  let server: AuthUiServer
  let browser: Browser
  let page: Page

  /** A call to the server as `who` (admin by default), for what the page cannot show or must not be trusted on. */
  const api = async (method: string, path: string, body?: unknown, who: { username: string; password: string } = ADMIN, workspace?: string) => {
    const reply = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}`,
        'content-type': 'application/json',
        ...(workspace ? { 'x-mlflow-workspace': workspace } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: reply.status, json: (await reply.json().catch(() => ({}))) as Record<string, unknown> }
  }

  const tab = async (name: string) => {
    await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click()
    await page.getByRole('tabpanel', { name }).waitFor()
  }

  before(async () => {
    ;[server, browser] = await Promise.all([openAuthUiServer({ enableWorkspaces: true }), launchBrowser()])
    await server.start()
    await server.auth.createUser(DANA.username, DANA.password)
    await server.auth.createGroup('analysts')
    page = await newPage(browser)
    await signInWithPassword(page, server.url, ADMIN.username, ADMIN.password)
  })

  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('is offered in the admin’s user menu and opens on the users tab', async () => {
    await page.getByRole('button', { name: `Account: ${ADMIN.username}` }).click()
    await page.getByRole('menuitem', { name: 'Admin: users, groups, roles' }).click()
    await page.waitForURL(`${server.url}/admin`)
    await page.getByRole('heading', { name: 'Admin' }).waitFor()
    await page.getByRole('tabpanel', { name: 'Users' }).waitFor()
    await page.locator('tr[data-user="dana"]').waitFor()
  })

  it('creates a user, makes and unmakes an admin, resets a password and deletes a user after confirming', async () => {
    const form = page.getByRole('form', { name: 'Create a user' })
    await form.getByLabel('User name').fill('frank')
    await form.getByLabel('Password').fill('frank-password-1')
    await form.getByRole('button', { name: 'Create user' }).click()
    await page.locator('tr[data-user="frank"]').waitFor()
    assert.equal((await server.auth.getUser('frank')).isAdmin, false)

    // The server's refusal shows beside the form that caused it.
    await form.getByLabel('User name').fill('frank')
    await form.getByLabel('Password').fill('frank-password-1')
    await form.getByRole('button', { name: 'Create user' }).click()
    await form.getByRole('alert').filter({ hasText: 'already exists' }).waitFor()

    await page.getByLabel('Admin: frank').click()
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('input[aria-label="Admin: frank"]')?.checked === true)
    assert.equal((await server.auth.getUser('frank')).isAdmin, true)
    await page.getByLabel('Admin: frank').click()
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('input[aria-label="Admin: frank"]')?.checked === false)
    assert.equal((await server.auth.getUser('frank')).isAdmin, false)
    // The last admin cannot be demoted: the server says why, on the page.
    await page.getByLabel(`Admin: ${ADMIN.username}`).click()
    await page.getByRole('tabpanel', { name: 'Users' }).getByRole('alert').filter({ hasText: 'last admin' }).waitFor()
    assert.equal((await server.auth.getUser(ADMIN.username)).isAdmin, true)

    await page.getByRole('button', { name: 'Reset password of frank' }).click()
    const reset = page.getByRole('dialog', { name: 'New password for frank' })
    await reset.getByLabel('New password').fill('frank-new-password-2')
    await reset.getByRole('button', { name: 'Set password' }).click()
    await reset.waitFor({ state: 'detached' })
    assert.ok(await server.auth.authenticatePassword('frank', 'frank-new-password-2'), 'the new password works')
    assert.equal(await server.auth.authenticatePassword('frank', 'frank-password-1'), undefined)

    // Deleting asks first; cancelling keeps the user.
    await page.getByRole('button', { name: 'Delete user frank' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete user frank?' })
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await confirm.waitFor({ state: 'detached' })
    assert.ok(await server.auth.findUser('frank'))
    await page.getByRole('button', { name: 'Delete user frank' }).click()
    await confirm.getByRole('button', { name: 'Delete user' }).click()
    await page.locator('tr[data-user="frank"]').waitFor({ state: 'detached' })
    assert.equal(await server.auth.findUser('frank'), undefined)
  })

  it('creates a group, adds and removes members, and deletes a group after confirming', async () => {
    await tab('Groups')
    const form = page.getByRole('form', { name: 'Create a group' })
    await form.getByLabel('Group name').fill('data-science')
    await form.getByLabel('Description').fill('the modelling team')
    await form.getByRole('button', { name: 'Create group' }).click()
    const card = page.getByRole('article', { name: 'Group data-science' })
    await card.waitFor()
    assert.equal((await server.auth.getGroup('data-science')).description, 'the modelling team')

    await card.getByLabel('User to add to data-science').selectOption('dana')
    await card.getByRole('button', { name: 'Add member' }).click()
    await card.getByRole('button', { name: 'Remove dana from data-science' }).waitFor()
    assert.deepEqual((await server.auth.getGroup('data-science')).members, ['dana'])
    await card.getByRole('button', { name: 'Remove dana from data-science' }).click()
    await card.getByText('no members').waitFor()
    assert.deepEqual((await server.auth.getGroup('data-science')).members, [])

    await card.getByRole('button', { name: 'Delete group data-science' }).click()
    await page.getByRole('dialog', { name: 'Delete group data-science?' }).getByRole('button', { name: 'Delete group' }).click()
    await card.waitFor({ state: 'detached' })
    assert.deepEqual((await server.auth.listGroups()).map((g) => g.name), ['analysts'])
  })

  it('creates workspaces and deletes an empty one; a non-empty one is refused in the dialog', async () => {
    await tab('Workspaces')
    const form = page.getByRole('form', { name: 'Create a workspace' })
    for (const name of ['team-a', 'scratch']) {
      await form.getByLabel('Workspace name').fill(name)
      await form.getByRole('button', { name: 'Create workspace' }).click()
      await page.locator(`tr[data-workspace="${name}"]`).waitFor()
    }
    // MLflow's name rule, from the server.
    await form.getByLabel('Workspace name').fill('Bad_Name')
    await form.getByRole('button', { name: 'Create workspace' }).click()
    await form.getByRole('alert').filter({ hasText: "Workspace name 'Bad_Name' must match" }).waitFor()
    const listed = await api('GET', '/api/3.0/mlflow/workspaces')
    assert.deepEqual((listed.json.workspaces as { name: string }[]).map((w) => w.name).sort(), ['default', 'scratch', 'team-a'])

    assert.equal((await api('POST', '/api/2.0/mlflow/experiments/create', { name: 'team-exp' }, ADMIN, 'team-a')).status, 200)
    await page.getByRole('button', { name: 'Delete workspace team-a' }).click()
    const refusal = page.getByRole('dialog', { name: 'Delete workspace team-a?' })
    await refusal.getByRole('button', { name: 'Delete workspace' }).click()
    await refusal.getByRole('alert').filter({ hasText: "Workspace 'team-a' still contains 1 experiment(s)" }).waitFor()
    await refusal.getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('button', { name: 'Delete workspace scratch' }).click()
    await page.getByRole('dialog', { name: 'Delete workspace scratch?' }).getByRole('button', { name: 'Delete workspace' }).click()
    await page.locator('tr[data-workspace="scratch"]').waitFor({ state: 'detached' })
    const after = await api('GET', '/api/3.0/mlflow/workspaces')
    assert.deepEqual((after.json.workspaces as { name: string }[]).map((w) => w.name).sort(), ['default', 'team-a'])
  })

  it('creates roles per workspace with grants and a deny, assigns them to users and groups, and deletes them', async () => {
    await tab('Roles')
    const form = page.getByRole('form', { name: 'Create a role' })
    await form.getByLabel('Role name').fill('readers')
    await form.getByLabel('Description').fill('read everything but the secret model')
    await form.getByRole('button', { name: 'Create role in default' }).click()
    const card = page.getByRole('article', { name: 'Role readers' })
    await card.waitFor()
    const [readers] = await server.auth.listRoles('default')
    assert.equal(readers?.name, 'readers')

    const addGrant = async (type: string, pattern: string, level: string) => {
      const grant = card.getByRole('form', { name: 'Add a grant to readers' })
      await grant.getByLabel('Resource type').selectOption(type)
      if (type !== 'workspace') await grant.getByLabel(/^Resource \(/).fill(pattern)
      await grant.getByLabel('Permission').selectOption(level)
      await grant.getByRole('button', { name: 'Add grant' }).click()
    }
    await addGrant('experiment', '*', 'READ')
    await card.locator('tr[data-grant="experiment * READ"]').waitFor()
    await addGrant('registered_model', 'secret-model', 'DENY')
    await card.locator('tr[data-grant="registered_model secret-model DENY"]').waitFor()
    await addGrant('workspace', '*', 'USE')
    await card.locator('tr[data-grant="workspace * USE"]').waitFor()
    const grants = () => server.auth.listRolePermissions(readers!.id).then((all) => all.map((p) => `${p.resourceType} ${p.resourcePattern} ${p.permission}`))
    assert.deepEqual(await grants(), ['experiment * READ', 'registered_model secret-model DENY', 'workspace * USE'])
    // The same grant twice: the server's refusal, in the role's card.
    await addGrant('experiment', '*', 'EDIT')
    await card.getByRole('alert').filter({ hasText: 'already exists' }).waitFor()

    await card.getByRole('button', { name: 'Remove grant workspace * USE' }).click()
    await page.getByRole('dialog', { name: 'Remove this grant from readers?' }).getByRole('button', { name: 'Remove grant' }).click()
    await card.locator('tr[data-grant="workspace * USE"]').waitFor({ state: 'detached' })
    assert.deepEqual(await grants(), ['experiment * READ', 'registered_model secret-model DENY'])

    for (const assignee of ['user:dana', 'group:analysts']) {
      await card.getByLabel('Assign readers to').selectOption(assignee)
      await card.getByRole('button', { name: 'Assign', exact: true }).click()
      await card.getByRole('button', { name: `Unassign readers from ${assignee.replace(':', ' ')}` }).waitFor()
    }
    assert.deepEqual((await server.auth.listUserRoles('dana')).map((r) => r.name), ['readers'])
    assert.deepEqual((await server.auth.getGroup('analysts')).roleIds, [readers!.id])
    // Dana now holds the deny: the secret model is refused to her.
    await server.registry.createRegisteredModel({ name: 'secret-model' })
    assert.equal((await api('GET', '/api/2.0/mlflow/registered-models/get?name=secret-model', undefined, DANA)).status, 403)
    await card.getByRole('button', { name: 'Unassign readers from user dana' }).click()
    await card.getByRole('button', { name: 'Unassign readers from user dana' }).waitFor({ state: 'detached' })
    assert.deepEqual(await server.auth.listUserRoles('dana'), [])
    await page.screenshot({ path: `${SCREENSHOTS}admin-page.png`, fullPage: true })

    // A role of another workspace.
    await page.getByLabel('Roles of workspace').selectOption('team-a')
    await form.getByLabel('Role name').fill('team-editors')
    await form.getByRole('button', { name: 'Create role in team-a' }).click()
    await page.getByRole('article', { name: 'Role team-editors' }).waitFor()
    assert.deepEqual((await server.auth.listRoles('team-a')).map((r) => r.name), ['team-editors'])

    await page.getByLabel('Roles of workspace').selectOption('default')
    await card.getByRole('button', { name: 'Delete role readers' }).click()
    await page.getByRole('dialog', { name: 'Delete role readers?' }).getByRole('button', { name: 'Delete role' }).click()
    await card.waitFor({ state: 'detached' })
    assert.deepEqual(await server.auth.listRoles('default'), [])
    assert.deepEqual((await server.auth.getGroup('analysts')).roleIds, [])
  })

  it('moves between its tabs with the arrow keys', async () => {
    await page.getByRole('tab', { name: /^Roles/ }).focus()
    await page.keyboard.press('ArrowLeft')
    await page.waitForURL(/\/admin\?tab=groups$/)
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-tab') === 'groups')
    await page.keyboard.press('Home')
    await page.waitForURL(`${server.url}/admin`)
    await page.getByRole('tabpanel', { name: 'Users' }).waitFor()
  })

  it('lays out every tab in a narrow window without the page scrolling sideways', async () => {
    const narrow = await newPage(browser, { width: 600, height: 900 })
    try {
      await signInWithPassword(narrow, `${server.url}/admin`, ADMIN.username, ADMIN.password)
      for (const name of ['users', 'groups', 'roles', 'workspaces']) {
        await narrow.goto(`${server.url}/admin?tab=${name}`)
        await narrow.getByRole('tabpanel').waitFor()
        const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
        const culprits = await narrow.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth).slice(0, 5).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).join(', '))
        assert.ok(overflow <= 0, `the ${name} tab overflows sideways by ${overflow}px: ${culprits}`)
      }
    } finally {
      await narrow.context().close()
    }
  })

  it('is not offered to a non-admin, who is told it is for admins when opening it, and whose calls the server refuses', async () => {
    const other = await newPage(browser)
    try {
      await signInWithPassword(other, server.url, DANA.username, DANA.password)
      await other.getByRole('button', { name: `Account: ${DANA.username}` }).click()
      await other.getByRole('menuitem', { name: 'Access tokens' }).waitFor()
      assert.equal(await other.getByRole('menuitem', { name: /Admin/ }).count(), 0)
      await other.goto(`${server.url}/admin?tab=roles`)
      await other.getByRole('alert').filter({ hasText: 'Admins only: dana is not an admin' }).waitFor()
      assert.equal(await other.getByRole('tab').count(), 0)
      assert.equal((await api('GET', '/api/2.0/mlflow/users/list', undefined, DANA)).status, 403)
    } finally {
      await other.context().close()
    }
  })
})
