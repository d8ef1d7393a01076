import { roleRoutes } from '@orchard/protocol'
import type { WireGroup } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard groups create`: a group of users; roles assigned to it hold for every member. */
export const command = defineCommand({
  summary: 'Create a group of users (admins only)',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The group name', required: true },
    description: { type: 'string', placeholder: 'text', description: 'What the group is', default: 'none' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard groups create --name data-science',
  async run({ flags }) {
    const reply = await callRoute<{ group: WireGroup }>(serverUrl(flags['tracking-uri']), roleRoutes.createGroup, {
      group_name: flags.name,
      ...(flags.description !== undefined ? { description: flags.description } : {}),
    })
    if (flags.json) return printJson(reply)
    process.stdout.write(`Created group ${reply.group.name}.\n`)
  },
})
