import { roleRoutes } from '@orchard/protocol'
import type { WireRole } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson, renderTable } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard roles list`: every role with its grants, one line per grant. */
export const command = defineCommand({
  summary: 'List roles and their grants (admins only)',
  flags: {
    workspace: { type: 'string', placeholder: 'name', description: 'Only the roles of this workspace', default: 'all' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard roles list --tracking-uri http://127.0.0.1:5000',
  async run({ flags }) {
    const reply = await callRoute<{ roles: WireRole[] }>(serverUrl(flags['tracking-uri']), roleRoutes.listRoles, {
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
    })
    if (flags.json) return printJson(reply)
    if (reply.roles.length === 0) {
      process.stdout.write('No roles.\n')
      return
    }
    const rows = reply.roles.flatMap((role) => {
      const head = [String(role.id), role.workspace, role.name]
      if (role.permissions.length === 0) return [[...head, '-', '-', '-', '-']]
      return role.permissions.map((p) => [...head, String(p.id), p.resource_type, p.resource_pattern, p.permission])
    })
    process.stdout.write(
      renderTable(
        [{ header: 'ID' }, { header: 'WORKSPACE' }, { header: 'NAME', maxWidth: 30 }, { header: 'GRANT ID' }, { header: 'TYPE' }, { header: 'PATTERN', maxWidth: 40 }, { header: 'PERMISSION' }],
        rows,
      ),
    )
  },
})
