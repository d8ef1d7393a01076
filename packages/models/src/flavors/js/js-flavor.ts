import { cp, mkdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { invalidParameter } from '@orchard/protocol/base'
import { JS_FUNCTION } from '../../format/mlmodel.ts'
import type { MlModel } from '../../format/mlmodel.ts'
import type { SaveModelOptions } from '../../format/save-model.ts'
import { saveModelFolder } from '../../format/save-model.ts'
import { tableToRecords } from '../../table.ts'
import type { FlavorLoader } from '../flavor.ts'
import { importOptional } from '../optional-package.ts'

export const JS_FLAVOR = 'orchard.js'
const CODE_FILE = 'code/model.mjs'
const DATA_DIR = 'data'

/** A user's model as code: a module exporting `load(dir)` and `predict(model, records)`, plus an optional data folder. */
export interface JsModelSpec {
  /** The module's file (.ts, .js, .mjs); it and everything it imports are bundled into the model. */
  readonly module: string
  /** A folder copied into the model as `data/`; `load` receives its path. */
  readonly data?: string
}

/** What the bundled module must export. */
interface JsModelModule {
  load(dir: string): unknown
  /** A new value each call: with `--log-predictions` the log reads it after the response has gone. */
  predict(model: unknown, input: Record<string, unknown>[]): unknown
}

/**
 * Save a TypeScript/JavaScript model: the module is bundled with its imports by esbuild into one
 * ESM file inside the model folder, so the model loads without the project it came from. Native
 * addons cannot be bundled and are refused.
 *
 * @example
 * await saveJsModel('out/model', { module: 'src/my-model.ts', data: 'weights/' }, { inputExample: rows })
 */
export async function saveJsModel(dir: string, spec: JsModelSpec, options: SaveModelOptions = {}): Promise<MlModel> {
  const entry = resolve(spec.module)
  if (!(await stat(entry).catch(() => undefined))?.isFile()) throw invalidParameter(`The model module '${spec.module}' is not a file.`)
  if (spec.data !== undefined && !(await stat(spec.data).catch(() => undefined))?.isDirectory()) {
    throw invalidParameter(`The model data '${spec.data}' is not a folder.`)
  }
  return saveModelFolder(
    dir,
    {
      flavors: {
        [JS_FLAVOR]: { code: CODE_FILE, data: spec.data !== undefined ? DATA_DIR : null, entry: basename(entry), format_version: 1 },
        [JS_FUNCTION]: { loader_module: JS_FLAVOR, code: CODE_FILE },
      },
      async writeFiles(target) {
        const { build } = await importOptional('esbuild', 'Saving an orchard.js model (bundling its module)', () => import('esbuild'))
        try {
          await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: join(target, CODE_FILE), logLevel: 'silent' })
        } catch (error) {
          const message = (error as { errors?: { text: string }[] }).errors?.map((e) => e.text).join('; ') ?? (error as Error).message
          throw invalidParameter(`Cannot bundle '${spec.module}': ${message}`)
        }
        if (spec.data !== undefined) await cp(spec.data, join(target, DATA_DIR), { recursive: true })
        else await mkdir(join(target, DATA_DIR))
      },
    },
    options,
  )
}

export const jsLoader: FlavorLoader = {
  async load(dir, config) {
    const code = typeof config.code === 'string' ? config.code : CODE_FILE
    let module: Partial<JsModelModule>
    try {
      module = (await import(pathToFileURL(join(dir, code)).href)) as Partial<JsModelModule>
    } catch (error) {
      throw invalidParameter(`Cannot import the orchard.js code '${code}' in '${dir}': ${(error as Error).message}`)
    }
    if (typeof module.load !== 'function' || typeof module.predict !== 'function') {
      throw invalidParameter(`The orchard.js module in '${dir}' must export functions load(dir) and predict(model, records).`)
    }
    const state = await module.load(join(dir, typeof config.data === 'string' ? config.data : DATA_DIR))
    const predict = module.predict
    return { predict: async (table) => predict(state, tableToRecords(table)) }
  },
}
