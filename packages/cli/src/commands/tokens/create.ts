import { MAX_ACCESS_TOKEN_DAYS, authRoutes } from '@orchard/protocol'
import type { WireAccessToken } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { parseInteger } from '../../flag-values.ts'
import { formatTime, printJson, renderFields } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard tokens create`: a personal access token, printed once. */
export const command = defineCommand({
  summary: 'Create a personal access token (shown once; use it as MLFLOW_TRACKING_TOKEN)',
  flags: {
    name: { type: 'string', placeholder: 'text', description: 'What the token is for, shown by `orchard tokens list`' },
    'expires-in-days': { type: 'string', placeholder: 'days', description: `Expiry, 1 to ${MAX_ACCESS_TOKEN_DAYS} days`, default: 'never' },
    user: { type: 'string', placeholder: 'name', description: "Another user's token (admins only: service accounts)", default: 'you' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'MLFLOW_TRACKING_USERNAME=ana MLFLOW_TRACKING_PASSWORD=… orchard tokens create --name laptop --expires-in-days 90',
  async run({ flags }) {
    const days = flags['expires-in-days'] ? parseInteger('expires-in-days', flags['expires-in-days'], { min: 1, max: MAX_ACCESS_TOKEN_DAYS }) : undefined
    const reply = await callRoute<{ token: string; access_token: WireAccessToken }>(serverUrl(flags['tracking-uri']), authRoutes.createAccessToken, {
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.user ? { username: flags.user } : {}),
      ...(days !== undefined ? { expires_in_days: days } : {}),
    })
    if (flags.json) {
      printJson(reply)
      return
    }
    const info = reply.access_token
    process.stdout.write(
      renderFields([
        ['Token', reply.token],
        ['Id', info.token_id],
        ['User', info.username],
        ['Name', info.name || '-'],
        ['Expires', info.expiration_timestamp ? formatTime(info.expiration_timestamp) : 'never'],
      ]),
    )
    process.stderr.write('Copy the token now: the server keeps only its hash and cannot show it again.\n')
  },
})
