import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'
import { parseRoleId, roleIdFlag } from './role-flags.ts'

/** `orchard roles assign`: MLflow's roles/assign. */
export const command = defineCommand({
  summary: 'Assign a role to a user (admins only; for a group: orchard groups assign-role)',
  flags: {
    'role-id': roleIdFlag,
    user: { type: 'string', placeholder: 'name', description: 'The user who gets the role', required: true },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard roles assign --role-id 3 --user ana',
  async run({ flags }) {
    const roleId = parseRoleId(flags['role-id'])
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.assignRole, { username: flags.user, role_id: roleId })
    process.stdout.write(`Assigned role ${roleId} to ${flags.user}.\n`)
  },
})
