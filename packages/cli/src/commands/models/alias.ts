import { defineCommand, UsageError } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { nameFlag, parseVersion } from '../../model-flags.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard models alias`: set (or with --delete remove) a registered model alias. */
export const command = defineCommand({
  summary: 'Point an alias at a model version, or delete it',
  flags: {
    name: nameFlag,
    alias: { type: 'string', placeholder: 'alias', description: 'Letters, digits, _ and -; not latest, not v<number>', required: true },
    version: { type: 'string', placeholder: 'n', description: 'The version it points at (required unless --delete)' },
    delete: { type: 'boolean', description: 'Delete the alias instead', default: 'false' },
    comment: { type: 'string', placeholder: 'text', description: 'Why; kept in the audit trail (orchard models history)' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: 'orchard models alias --name fraud --alias champion --version 3',
  async run({ flags }) {
    const { name, alias } = flags
    const note = flags.comment ? { comment: flags.comment } : {}
    if (flags.delete) {
      if (flags.version !== undefined) throw new UsageError('--delete takes no --version')
      await withTrackingClient(flags['tracking-uri'], (client) => client.deleteRegisteredModelAlias(name, alias, note))
      if (flags.json) printJson({})
      else process.stdout.write(`Deleted alias '${alias}' of ${name}\n`)
      return
    }
    if (flags.version === undefined) throw new UsageError('--version is required to set an alias (or give --delete)')
    const version = parseVersion('version', flags.version)
    await withTrackingClient(flags['tracking-uri'], (client) => client.setRegisteredModelAlias(name, alias, version, note))
    if (flags.json) printJson({})
    else process.stdout.write(`Alias '${alias}' of ${name} now points at version ${version}\n`)
  },
})
