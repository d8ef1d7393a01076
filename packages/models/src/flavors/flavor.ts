import type { FlavorConfig, MlModel } from '../format/mlmodel.ts'
import type { ColumnTable } from '../table.ts'

/** What a flavor's predict sees besides the (signature-checked) input. */
export interface PredictContext {
  /** Columns the signature marks optional. */
  readonly optional: ReadonlySet<string>
}

/** A loaded model of one flavor. */
export interface Predictor {
  predict(table: ColumnTable, context: PredictContext): unknown
  /** Release native resources (an ONNX session). */
  close?(): Promise<void>
}

/** How a flavor loads a model folder; `config` is the flavor's entry in MLmodel. */
export interface FlavorLoader {
  load(dir: string, config: FlavorConfig, model: MlModel): Promise<Predictor>
}
