// Moving one item of an ordered list, as drag-and-drop and the keyboard alternative both do.

/** The list with the item `id` moved to where `target` is now (after it when moving forwards); unchanged when either is missing. */
export function moveTo<T>(list: readonly T[], id: T, target: T): T[] {
  const from = list.indexOf(id)
  const to = list.indexOf(target)
  if (from < 0 || to < 0 || from === to) return [...list]
  const next = list.filter((_, i) => i !== from)
  next.splice(to, 0, id)
  return next
}
