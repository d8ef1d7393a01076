import { OrchardError } from '@orchard/protocol/base'

/**
 * Imports one of the heavy packages that only some flavors need (onnxruntime-node, esbuild). They are
 * optional peer dependencies of @orchard/models, so an install without them stays small; the feature
 * that needs one says how to add it instead of failing with ERR_MODULE_NOT_FOUND.
 */
export async function importOptional<T>(name: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const code = (error as { code?: string }).code
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(name)
    if (!missing) throw error
    throw new OrchardError('NOT_IMPLEMENTED', `${feature} needs the optional package '${name}', which is not installed. Install it next to Orchard: npm install ${name}`)
  }
}
