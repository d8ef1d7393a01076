/**
 * A FIFO lock for the one SQLite connection. better-sqlite3 is synchronous but the store is async:
 * without this, two transactions awaiting between statements would interleave on one connection,
 * and a plain read could see another caller's uncommitted writes.
 */
export class Mutex {
  private locked = false
  private readonly waiting: (() => void)[] = []

  get isLocked(): boolean {
    return this.locked
  }

  async acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true
      return
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.locked = false
  }
}
