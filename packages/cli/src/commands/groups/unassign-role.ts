import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'
import { parseRoleId, roleIdFlag } from '../roles/role-flags.ts'

/** `orchard groups unassign-role`. */
export const command = defineCommand({
  summary: 'Take a role away from a group (admins only)',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The group', required: true },
    'role-id': roleIdFlag,
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard groups unassign-role --name data-science --role-id 3',
  async run({ flags }) {
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.unassignGroupRole, { group_name: flags.name, role_id: parseRoleId(flags['role-id']) })
    process.stdout.write(`Took role ${flags['role-id']} from group ${flags.name}.\n`)
  },
})
