import type { LoadedModel } from '../load-model.ts'

interface Entry {
  readonly model: LoadedModel
  inFlight: number
  retired: boolean
}

/**
 * The model a server answers with, replaceable while requests run. A request holds the model it
 * started with until it ends, so a swap never changes a model under a running prediction; the old
 * model is closed once its last request is done.
 */
export class ModelSlot {
  private entry: Entry

  constructor(model: LoadedModel) {
    this.entry = { model, inFlight: 0, retired: false }
  }

  get model(): LoadedModel {
    return this.entry.model
  }

  /** Run `fn` with the current model, keeping that model open until `fn` settles. */
  async use<T>(fn: (model: LoadedModel) => Promise<T>): Promise<T> {
    const entry = this.entry
    entry.inFlight++
    try {
      return await fn(entry.model)
    } finally {
      entry.inFlight--
      if (entry.retired && entry.inFlight === 0) await entry.model.close().catch(() => undefined)
    }
  }

  /** Serve `model` from now on; the previous one closes when its requests are done. */
  async swap(model: LoadedModel): Promise<void> {
    const old = this.entry
    this.entry = { model, inFlight: 0, retired: false }
    old.retired = true
    if (old.inFlight === 0) await old.model.close().catch(() => undefined)
  }

  async close(): Promise<void> {
    this.entry.retired = true
    if (this.entry.inFlight === 0) await this.entry.model.close().catch(() => undefined)
  }
}
