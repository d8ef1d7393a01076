import { authRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard tokens revoke <token-id>`: the token stops working at once. */
export const command = defineCommand({
  summary: 'Revoke a personal access token; it stops working at once',
  positionals: [{ name: 'token-id', description: 'The id `orchard tokens list` shows' }],
  flags: { 'tracking-uri': trackingUriFlag },
  example: 'orchard tokens revoke 3f9c2a…',
  async run({ positionals, flags }) {
    const [tokenId] = positionals
    await callRoute(serverUrl(flags['tracking-uri']), authRoutes.revokeAccessToken, { token_id: tokenId })
    process.stdout.write(`Revoked token ${tokenId}.\n`)
  },
})
