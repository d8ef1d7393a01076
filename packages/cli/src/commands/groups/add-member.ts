import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard groups add-member`. */
export const command = defineCommand({
  summary: 'Add a user to a group; the user gets the roles of the group (admins only)',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The group', required: true },
    user: { type: 'string', placeholder: 'name', description: 'The user', required: true },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard groups add-member --name data-science --user ana',
  async run({ flags }) {
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.addGroupMember, { group_name: flags.name, username: flags.user })
    process.stdout.write(`Added ${flags.user} to ${flags.name}.\n`)
  },
})
