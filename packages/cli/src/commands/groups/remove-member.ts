import { roleRoutes } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { trackingUriFlag } from '../../defaults.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard groups remove-member`. */
export const command = defineCommand({
  summary: 'Remove a user from a group; the user loses the roles of the group at once (admins only)',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The group', required: true },
    user: { type: 'string', placeholder: 'name', description: 'The user', required: true },
    'tracking-uri': trackingUriFlag,
  },
  example: 'orchard groups remove-member --name data-science --user ana',
  async run({ flags }) {
    await callRoute(serverUrl(flags['tracking-uri']), roleRoutes.removeGroupMember, { group_name: flags.name, username: flags.user })
    process.stdout.write(`Removed ${flags.user} from ${flags.name}.\n`)
  },
})
