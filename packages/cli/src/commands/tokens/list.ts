import { authRoutes } from '@orchard/protocol'
import type { WireAccessToken } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { formatTime, printJson, renderTable } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard tokens list`: a user's tokens, never their secrets. */
export const command = defineCommand({
  summary: 'List personal access tokens (ids, names, expiry, last use; never the secrets)',
  flags: {
    user: { type: 'string', placeholder: 'name', description: "Another user's tokens (admins only)", default: 'you' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard tokens list --tracking-uri http://127.0.0.1:5000',
  async run({ flags }) {
    const reply = await callRoute<{ access_tokens: WireAccessToken[] }>(serverUrl(flags['tracking-uri']), authRoutes.listAccessTokens, {
      ...(flags.user ? { username: flags.user } : {}),
    })
    if (flags.json) {
      printJson(reply)
      return
    }
    if (reply.access_tokens.length === 0) {
      process.stdout.write('No tokens.\n')
      return
    }
    const state = (t: WireAccessToken) =>
      t.revoked_timestamp ? 'revoked' : t.expiration_timestamp !== undefined && t.expiration_timestamp <= Date.now() ? 'expired' : 'active'
    process.stdout.write(
      renderTable(
        [{ header: 'ID' }, { header: 'NAME', maxWidth: 30 }, { header: 'STATE' }, { header: 'CREATED' }, { header: 'EXPIRES' }, { header: 'LAST USED' }],
        reply.access_tokens.map((t) => [
          t.token_id,
          t.name || '-',
          state(t),
          formatTime(t.creation_timestamp),
          t.expiration_timestamp ? formatTime(t.expiration_timestamp) : 'never',
          formatTime(t.last_used_timestamp),
        ]),
      ),
    )
  },
})
