import { invalidParameter } from '@orchard/protocol/base'
import type { FlavorFile } from './flavors/registry.ts'
import { pickFlavor } from './flavors/registry.ts'
import type { MlModel } from './format/mlmodel.ts'
import { readMlModel } from './format/mlmodel.ts'
import type { Predictor } from './flavors/flavor.ts'
import type { ExtraColumns } from './signature/enforce.ts'
import { enforceSchema, optionalColumns } from './signature/enforce.ts'
import type { Schema } from './signature/schema.ts'
import type { ColumnTable, ModelInput } from './table.ts'
import { toColumnTable } from './table.ts'

/** How predict treats input beyond what the signature checks. */
export interface PredictOptions {
  /** Input columns the signature does not declare: dropped (`ignore`, MLflow's way, the default) or an error. */
  readonly extraColumns?: ExtraColumns
}

/**
 * A model folder loaded through its generic interface (Orchard's pyfunc): `predict` checks the input
 * against the signature, then hands it to the flavor.
 */
export class LoadedModel {
  constructor(
    /** The local folder the model was loaded from. */
    readonly dir: string,
    readonly metadata: MlModel,
    /** The flavor that predicts (`orchard.linear`, `orchard.js`, `onnx`). */
    readonly flavor: FlavorFile,
    private readonly predictor: Predictor,
    private readonly defaults: PredictOptions = {},
  ) {}

  get inputSchema(): Schema | undefined {
    return this.metadata.signature?.inputs
  }

  /** Signature-checked input as the flavor will see it; BAD_REQUEST naming the column otherwise. */
  prepare(input: ModelInput | ColumnTable, options: PredictOptions = {}): ColumnTable {
    const table = toColumnTable(input)
    const schema = this.inputSchema
    return schema ? enforceSchema(table, schema, { extraColumns: options.extraColumns ?? this.defaults.extraColumns ?? 'ignore' }) : table
  }

  /**
   * Predictions for `input` (records, columns or a table): a list with one entry per row, or for
   * models with several outputs an object of lists.
   *
   * @example
   * const model = await loadModel('runs:/abc/model')
   * await model.predict([{ trip_distance: 2.5, PULocationID: 43, DOLocationID: 151 }])
   */
  async predict(input: ModelInput | ColumnTable, options: PredictOptions = {}): Promise<unknown> {
    const table = this.prepare(input, options)
    return this.predictor.predict(table, { optional: optionalColumns(this.inputSchema) })
  }

  private readonly closers: (() => Promise<void>)[] = []

  /** Run `fn` when the model is closed (removing a downloaded copy). */
  onClose(fn: () => Promise<void>): void {
    this.closers.push(fn)
  }

  /** Release what the flavor holds (an ONNX session) and any downloaded copy. */
  async close(): Promise<void> {
    await this.predictor.close?.()
    for (const fn of this.closers.splice(0)) await fn()
  }
}

/** Load the model folder at `dir` (a local path). */
export async function loadModelFromDir(dir: string, options: PredictOptions = {}): Promise<LoadedModel> {
  const metadata = await readMlModel(dir)
  const { flavor, loader } = await pickFlavor(metadata)
  const config = metadata.flavors[flavor]
  if (!config) throw invalidParameter(`The MLmodel in '${dir}' has no '${flavor}' flavor entry.`)
  return new LoadedModel(dir, metadata, flavor, await loader.load(dir, config, metadata), options)
}
