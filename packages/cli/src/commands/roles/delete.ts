import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'
import { parseRoleId, roleIdFlag } from './role-flags.ts'

/** `orchard roles delete`: MLflow's roles/delete; grants and assignments go with the role. */
export const command = defineCommand({
  summary: 'Delete a role with its grants and assignments (admins only)',
  flags: { 'role-id': roleIdFlag, 'tracking-uri': trackingUriFlag },
  example: 'orchard roles delete --role-id 3',
  async run({ flags }) {
    const roleId = parseRoleId(flags['role-id'])
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.deleteRole, { role_id: roleId })
    process.stdout.write(`Deleted role ${roleId}.\n`)
  },
})
