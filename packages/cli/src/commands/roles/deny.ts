import { roleRoutes } from '@orchard/protocol'
import type { WireRolePermission } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'
import { parseRoleId, patternFlag, resourceTypeFlag, roleIdFlag } from './role-flags.ts'

/** `orchard roles deny`: Orchard's DENY grant, which wins over any allow the user has. */
export const command = defineCommand({
  summary: "Add a DENY grant to a role: its users lose access to the resource whatever else grants it (admins only)",
  flags: {
    'role-id': roleIdFlag,
    'resource-type': resourceTypeFlag,
    pattern: patternFlag,
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard roles deny --role-id 4 --resource-type registered_model --pattern fraud-model',
  async run({ flags }) {
    const reply = await callRoute<{ role_permission: WireRolePermission }>(serverUrl(flags['tracking-uri']), roleRoutes.denyRolePermission, {
      role_id: parseRoleId(flags['role-id']),
      resource_type: flags['resource-type'],
      resource_pattern: flags.pattern,
    })
    if (flags.json) return printJson(reply)
    const p = reply.role_permission
    process.stdout.write(`Role ${p.role_id} denies ${p.resource_type} ${p.resource_pattern} (grant id ${p.id}).\n`)
  },
})
