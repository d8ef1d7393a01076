import { roleRoutes } from '@orchard/protocol'
import type { WireRole } from '@orchard/protocol'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { callRoute, serverUrl } from '../../server-api.ts'

/** `orchard roles create`: MLflow's roles/create. */
export const command = defineCommand({
  summary: 'Create a role (a named set of grants) in a workspace (admins only)',
  flags: {
    name: { type: 'string', placeholder: 'name', description: 'The role name, unique in its workspace', required: true },
    description: { type: 'string', placeholder: 'text', description: 'What the role is for', default: 'none' },
    workspace: { type: 'string', placeholder: 'name', description: 'The workspace the role belongs to', default: 'default' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard roles create --name viewers --description "read everything"',
  async run({ flags }) {
    const reply = await callRoute<{ role: WireRole }>(serverUrl(flags['tracking-uri']), roleRoutes.createRole, {
      name: flags.name,
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
    })
    if (flags.json) return printJson(reply)
    process.stdout.write(`Created role ${reply.role.name} (id ${reply.role.id}) in workspace ${reply.role.workspace}.\n`)
  },
})
