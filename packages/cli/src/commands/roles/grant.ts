import { PERMISSION_LEVELS, roleRoutes } from '@orchard/protocol'
import type { WireRolePermission } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'
import { parseRoleId, patternFlag, resourceTypeFlag, roleIdFlag } from './role-flags.ts'

/** `orchard roles grant`: MLflow's roles/permissions/add. */
export const command = defineCommand({
  summary: 'Add a grant (resource type, pattern, permission) to a role (admins only)',
  flags: {
    'role-id': roleIdFlag,
    'resource-type': resourceTypeFlag,
    pattern: patternFlag,
    permission: { type: 'string', placeholder: 'level', description: PERMISSION_LEVELS.join(', '), required: true },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: "orchard roles grant --role-id 3 --resource-type experiment --pattern '*' --permission READ",
  async run({ flags }) {
    const reply = await callRoute<{ role_permission: WireRolePermission }>(serverUrl(flags['tracking-uri']), roleRoutes.addRolePermission, {
      role_id: parseRoleId(flags['role-id']),
      resource_type: flags['resource-type'],
      resource_pattern: flags.pattern,
      permission: flags.permission,
    })
    if (flags.json) return printJson(reply)
    const p = reply.role_permission
    process.stdout.write(`Role ${p.role_id} grants ${p.permission} on ${p.resource_type} ${p.resource_pattern} (grant id ${p.id}).\n`)
  },
})
