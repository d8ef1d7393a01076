import { modelVersionToWire } from '@orchard/core'
import { defineCommand } from '../../command.ts'
import { jsonFlag, trackingUriFlag } from '../../defaults.ts'
import { printJson } from '../../format.ts'
import { nameFlag, parseStage, parseVersion, versionFlag } from '../../model-flags.ts'
import { withTrackingClient } from '../../tracking-client.ts'

/** `orchard models transition`: MLflow's model-versions/transition-stage. */
export const command = defineCommand({
  summary: 'Move a model version to None, Staging, Production or Archived',
  flags: {
    name: nameFlag,
    version: versionFlag,
    stage: { type: 'string', placeholder: 'stage', description: 'None, Staging, Production or Archived (any case)', required: true },
    'archive-existing': {
      type: 'boolean',
      description: 'Archive the versions now in that stage (Staging and Production only)',
      default: 'false',
    },
    comment: { type: 'string', placeholder: 'text', description: 'Why; kept in the audit trail (orchard models history)' },
    'tracking-uri': trackingUriFlag,
    json: jsonFlag,
  },
  example: "orchard models transition --name fraud --version 3 --stage Production --archive-existing --comment 'beats v2 on AUC'",
  async run({ flags }) {
    const version = parseVersion('version', flags.version)
    const stage = parseStage('stage', flags.stage)
    const updated = await withTrackingClient(flags['tracking-uri'], (client) =>
      client.transitionModelVersionStage(flags.name, version, stage, {
        archiveExistingVersions: flags['archive-existing'] ?? false,
        ...(flags.comment ? { comment: flags.comment } : {}),
      }),
    )
    if (flags.json) printJson({ model_version: modelVersionToWire(updated) })
    else process.stdout.write(`Moved ${updated.name} version ${updated.version} to ${updated.currentStage}\n`)
  },
})
