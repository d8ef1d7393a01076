import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'
import { parseRoleId, roleIdFlag } from './role-flags.ts'

/** `orchard roles unassign`: MLflow's roles/unassign. */
export const command = defineCommand({
  summary: 'Take a role away from a user (admins only)',
  flags: {
    'role-id': roleIdFlag,
    user: { type: 'string', placeholder: 'name', description: 'The user who loses the role', required: true },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard roles unassign --role-id 3 --user ana',
  async run({ flags }) {
    const roleId = parseRoleId(flags['role-id'])
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.unassignRole, { username: flags.user, role_id: roleId })
    process.stdout.write(`Took role ${roleId} from ${flags.user}.\n`)
  },
})
