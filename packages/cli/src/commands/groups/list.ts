import { roleRoutes } from '@orchard/protocol'
import type { WireGroup } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson, renderTable } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard groups list`: groups with their members and role ids. */
export const command = defineCommand({
  summary: 'List groups with their members and roles (admins only)',
  flags: { 'tracking-uri': trackingUriFlag, json: jsonFlag },
  example: 'orchard groups list --tracking-uri http://127.0.0.1:5000',
  async run({ flags }) {
    const reply = await callRoute<{ groups: WireGroup[] }>(serverUrl(flags['tracking-uri']), roleRoutes.listGroups, {})
    if (flags.json) return printJson(reply)
    if (reply.groups.length === 0) {
      process.stdout.write('No groups.\n')
      return
    }
    process.stdout.write(
      renderTable(
        [{ header: 'NAME', maxWidth: 30 }, { header: 'MEMBERS', maxWidth: 60 }, { header: 'ROLE IDS' }],
        reply.groups.map((g) => [g.name, g.members.join(', ') || '-', g.role_ids.join(', ') || '-']),
      ),
    )
  },
})
