import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseGroupRole, signInOptions } from './oidc-options.ts'

describe('--oidc-* flags', () => {
  it('are off when none is given', () => {
    assert.equal(signInOptions({}, true), undefined)
  })

  it('become the sign-in settings, lists split on commas', () => {
    assert.deepEqual(
      signInOptions(
        {
          'oidc-issuer': 'https://sso.example.com/realms/ml',
          'oidc-client-id': 'orchard',
          'oidc-client-secret': 's3cret',
          'oidc-scopes': 'openid,profile,groups',
          'oidc-groups-claim': 'roles',
          'oidc-admin-groups': 'admins, mlops',
        },
        true,
      ),
      {
        oidc: {
          issuer: 'https://sso.example.com/realms/ml',
          clientId: 'orchard',
          clientSecret: 's3cret',
          scopes: ['openid', 'profile', 'groups'],
          groupsClaim: 'roles',
          adminGroups: ['admins', 'mlops'],
        },
      },
    )
  })

  it('refuse incomplete or meaningless settings with a usage error', () => {
    assert.throws(() => signInOptions({ 'oidc-issuer': 'https://idp' }, false), /needs --app-name basic-auth/)
    assert.throws(() => signInOptions({ 'oidc-issuer': 'https://idp' }, true), /both --oidc-issuer and --oidc-client-id/)
    assert.throws(() => signInOptions({ 'oidc-client-id': 'x', 'oidc-admin-groups': 'a' }, true), /both --oidc-issuer/)
    assert.throws(() => signInOptions({ 'oidc-issuer': 'not a url', 'oidc-client-id': 'x' }, true), /absolute URL/)
    assert.throws(() => signInOptions({ 'oidc-issuer': 'ftp://idp', 'oidc-client-id': 'x' }, true), /http\(s\) URL/)
    assert.throws(() => signInOptions({ 'oidc-issuer': 'https://idp', 'oidc-client-id': 'x', 'oidc-scopes': 'profile' }, true), /must include 'openid'/)
  })

  it('--oidc-group-role maps IdP groups to roles, GROUP=ROLE[@WORKSPACE]', () => {
    const settings = signInOptions(
      { 'oidc-issuer': 'https://idp', 'oidc-client-id': 'x', 'oidc-group-role': ['data-science=reader', 'cn=ml,ou=teams=editor@team-a'] },
      true,
    )
    assert.deepEqual(settings?.oidc?.groupRoles, [
      { group: 'data-science', role: 'reader' },
      { group: 'cn=ml,ou=teams', role: 'editor', workspace: 'team-a' },
    ])
    for (const bad of ['reader', '=reader', 'group=', 'group=@ws', 'group=reader@']) {
      assert.throws(() => parseGroupRole(bad), /--oidc-group-role takes GROUP=ROLE or GROUP=ROLE@WORKSPACE/, bad)
    }
    assert.throws(() => signInOptions({ 'oidc-group-role': ['a=b'] }, false), /--oidc-group-role needs --app-name basic-auth/)
  })
})
