import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { parseInteger } from '../../flag-values.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard roles revoke <grant-id>`: MLflow's roles/permissions/remove (an allow or a DENY). */
export const command = defineCommand({
  summary: 'Remove one grant (or deny) from a role (admins only)',
  positionals: [{ name: 'grant-id', description: 'The grant id `orchard roles list` shows' }],
  flags: { 'tracking-uri': trackingUriFlag },
  example: 'orchard roles revoke 12',
  async run({ positionals, flags }) {
    const grantId = parseInteger('grant-id', positionals[0] ?? '', { min: 1, max: Number.MAX_SAFE_INTEGER })
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.removeRolePermission, { role_permission_id: grantId })
    process.stdout.write(`Removed grant ${grantId}.\n`)
  },
})
