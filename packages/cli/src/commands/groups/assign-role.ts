import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'
import { parseRoleId, roleIdFlag } from '../roles/role-flags.ts'

/** `orchard groups assign-role`. */
export const command = defineCommand({
  summary: 'Assign a role to a group: every member holds it (admins only)',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The group', required: true },
    'role-id': roleIdFlag,
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard groups assign-role --name data-science --role-id 3',
  async run({ flags }) {
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.assignGroupRole, { group_name: flags.name, role_id: parseRoleId(flags['role-id']) })
    process.stdout.write(`Assigned role ${flags['role-id']} to group ${flags.name}.\n`)
  },
})
