import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { EffectiveRoleGrant } from '@orchard/store'
import { resolvePermission, roleScope } from './resolve.ts'

const grant = (resourcePattern: string, permission: EffectiveRoleGrant['permission'], resourceType: EffectiveRoleGrant['resourceType'] = 'experiment'): EffectiveRoleGrant => ({
  resourceType,
  resourcePattern,
  permission,
})

test('resolvePermission: the default only without any grant; the highest grant wins; DENY wins over all', () => {
  assert.equal(resolvePermission(undefined, [], '1', 'READ'), 'READ')
  assert.equal(resolvePermission('NO_PERMISSIONS', [], '1', 'READ'), 'NO_PERMISSIONS')
  assert.equal(resolvePermission(undefined, [grant('2', 'MANAGE')], '1', 'READ'), 'READ', 'a grant on another resource does not count')
  assert.equal(resolvePermission('NO_PERMISSIONS', [grant('1', 'EDIT')], '1', 'READ'), 'EDIT')
  assert.equal(resolvePermission('MANAGE', [grant('*', 'READ')], '1', 'READ'), 'MANAGE')
  assert.equal(resolvePermission(undefined, [grant('*', 'USE', 'workspace'), grant('1', 'READ')], '1', 'NO_PERMISSIONS'), 'USE')
  assert.equal(resolvePermission(undefined, [grant('*', 'NO_PERMISSIONS')], '1', 'READ'), 'NO_PERMISSIONS', 'a role grant replaces the default')
  assert.equal(resolvePermission('MANAGE', [grant('*', 'MANAGE', 'workspace'), grant('1', 'DENY')], '1', 'READ'), 'DENY')
  assert.equal(resolvePermission('MANAGE', [grant('*', 'DENY')], '7', 'READ'), 'DENY')
  assert.equal(resolvePermission('MANAGE', [grant('2', 'DENY')], '1', 'READ'), 'MANAGE')
})

test('roleScope: key lists for the SQL predicate, a readable grant outweighing an unreadable one', () => {
  assert.equal(roleScope([]), undefined)
  assert.deepEqual(roleScope([grant('1', 'READ'), grant('1', 'NO_PERMISSIONS'), grant('2', 'NO_PERMISSIONS'), grant('3', 'DENY')]), {
    denyAll: false,
    readable: ['1'],
    unreadable: ['2'],
    denied: ['3'],
  })
  assert.equal(roleScope([grant('*', 'NO_PERMISSIONS'), grant('*', 'EDIT', 'workspace')])?.wildcard, 'readable')
  assert.equal(roleScope([grant('*', 'NO_PERMISSIONS')])?.wildcard, 'unreadable')
  assert.equal(roleScope([grant('*', 'READ'), grant('*', 'DENY', 'workspace')])?.denyAll, true)
})
