import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard groups delete`. */
export const command = defineCommand({
  summary: 'Delete a group; its members lose the roles it held (admins only)',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The group', required: true },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard groups delete --name contractors',
  async run({ flags }) {
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.deleteGroup, { group_name: flags.name })
    process.stdout.write(`Deleted group ${flags.name}.\n`)
  },
})
