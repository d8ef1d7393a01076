import { canonicalStage, parseModelUri } from '@orchard/core'
import type { ModelVersion } from '@orchard/core'
import { invalidParameter, notFound } from '@orchard/protocol/base'
import { workspaceOf } from '../sql/context.ts'
import type { StoreContext } from '../sql/context.ts'
import { VERSION_COLUMNS, VERSION_FROM, loadVersions } from './hydrate.ts'
import type { VersionRow } from './hydrate.ts'
import { findModel, getModelVersionByAlias } from './registered-models.ts'
import { getModelVersion } from './model-versions.ts'

/**
 * The version a `models:/` URI names: a number, the highest version in a stage, the highest of all
 * (`latest`), or an alias. Its `source` is where the model's files are.
 */
export async function resolveModelUri(ctx: StoreContext, uri: string): Promise<ModelVersion> {
  const target = parseModelUri(uri)
  switch (target.kind) {
    case 'version':
      return getModelVersion(ctx, target.name, target.version)
    case 'alias':
      return getModelVersionByAlias(ctx, target.name, target.alias)
    case 'logged-model':
      throw invalidParameter(`The URI ${uri} names a logged model (models:/<model_id>), not a registered model version.`)
    default: {
      const stage = target.kind === 'stage' ? canonicalStage(target.stage) : undefined
      const model = await findModel(ctx.db, target.name, workspaceOf(ctx))
      const [row] = await ctx.db.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM ${VERSION_FROM} WHERE v.registered_model_id = ?${stage ? ' AND v.current_stage = ?' : ''}
         ORDER BY v.version DESC LIMIT 1`,
        stage ? [model.registered_model_id, stage] : [model.registered_model_id],
      )
      if (!row) throw notFound(`No versions of model with name '${target.name}'${stage ? ` and stage '${stage}'` : ''} found`)
      return (await loadVersions(ctx.db, ctx.dialect, [row]))[0] as ModelVersion
    }
  }
}
