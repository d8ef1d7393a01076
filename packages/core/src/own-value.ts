/**
 * `table[key]` for a key a user wrote, own properties only: `constructor`, `__proto__` or
 * `toString` must read as unknown keys, not as Object.prototype's members.
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}
