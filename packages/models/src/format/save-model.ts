import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OrchardError } from '@orchard/protocol/base'
import { inferSignature } from '../signature/infer.ts'
import type { ModelSignature } from '../signature/schema.ts'
import type { ColumnTable, ModelInput } from '../table.ts'
import { toColumnTable } from '../table.ts'
import type { FlavorConfig, MlModel } from './mlmodel.ts'
import { newModelUuid, utcTimeCreated, writeMlModel } from './mlmodel.ts'

export const INPUT_EXAMPLE_FILE = 'input_example.json'
export const SERVING_INPUT_FILE = 'serving_input_example.json'

/** What every flavor's save accepts besides the model itself. */
export interface SaveModelOptions {
  /** Declared input/output schema. Inferred from `inputExample` when left out. */
  readonly signature?: ModelSignature
  /** A few rows of valid input, saved with the model and used to infer the signature. */
  readonly inputExample?: ModelInput
  /** Free-form metadata written to MLmodel's `metadata`. */
  readonly metadata?: Readonly<Record<string, unknown>>
  /** Set by logModel: where under the run's artifacts the model lives, and the run. */
  readonly artifactPath?: string
  readonly runId?: string
}

/** How one flavor lays out its files: flavor entries for MLmodel and a writer for its payload. */
export interface FlavorLayout {
  readonly flavors: Readonly<Record<string, FlavorConfig>>
  /** Write the flavor's files into the (new, empty) model folder. */
  writeFiles(dir: string): Promise<void>
  /** The model's predictions for the example, to infer the output schema; optional. */
  predictExample?(table: ColumnTable): Promise<unknown>
  /** The name of the output column, when the model has one. */
  readonly outputName?: string
}

/** MLflow refuses to save over an existing non-empty folder; so does Orchard. */
async function prepareEmptyDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
  if (entries && entries.length > 0) {
    throw new OrchardError('RESOURCE_ALREADY_EXISTS', `Path '${dir}' already exists and is not empty; save the model to a new folder.`)
  }
  await mkdir(dir, { recursive: true })
}

async function folderSize(dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size
  }
  return total
}

const jsonCell = (value: unknown) => (value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : value ?? null)

/** The example in pandas' split orient, plus the request body that would score it. */
async function writeInputExample(dir: string, table: ColumnTable): Promise<Record<string, unknown>> {
  const data = Array.from({ length: table.rowCount }, (_, r) => table.columns.map((column) => jsonCell(column[r])))
  const split = { columns: table.names, data }
  await writeFile(join(dir, INPUT_EXAMPLE_FILE), JSON.stringify(split))
  await writeFile(join(dir, SERVING_INPUT_FILE), JSON.stringify({ dataframe_split: split }, null, 2))
  return { artifact_path: INPUT_EXAMPLE_FILE, serving_input_path: SERVING_INPUT_FILE, type: 'dataframe', pandas_orient: 'split' }
}

/**
 * Write a model folder in MLflow's layout: the flavor's files, the input example (and the serving
 * request built from it), and MLmodel last, so a folder with an MLmodel is always complete.
 */
export async function saveModelFolder(dir: string, layout: FlavorLayout, options: SaveModelOptions = {}): Promise<MlModel> {
  const example = options.inputExample !== undefined ? toColumnTable(options.inputExample) : undefined
  let signature = options.signature
  if (!signature && example) {
    const predictions = layout.predictExample ? await layout.predictExample(example) : undefined
    signature = inferSignature(example, predictions, layout.outputName)
  }
  await prepareEmptyDir(dir)
  await layout.writeFiles(dir)
  const savedInputExampleInfo = example ? await writeInputExample(dir, example) : undefined
  const model: MlModel = {
    ...(options.artifactPath !== undefined ? { artifactPath: options.artifactPath } : {}),
    flavors: layout.flavors,
    modelUuid: newModelUuid(),
    ...(options.runId !== undefined ? { runId: options.runId } : {}),
    utcTimeCreated: utcTimeCreated(),
    ...(signature ? { signature } : {}),
    ...(savedInputExampleInfo ? { savedInputExampleInfo } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    modelSizeBytes: await folderSize(dir),
  }
  await writeMlModel(dir, model)
  return model
}
