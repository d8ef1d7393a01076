import { useRef, useState } from 'react'
import type { DragEvent, KeyboardEvent } from 'react'

// Drag-and-drop reordering of a row of items (table headers, chart cells), with a keyboard
// alternative: Alt+Shift+Arrow on an item (or anything focused inside it) moves it one place. A
// live region says where it went, and focus stays on what was focused, wherever the item lands.

const MOVE_KEYS = 'Alt+Shift+ArrowLeft Alt+Shift+ArrowRight'

interface Options {
  /** Put `id` where `target` is now. */
  readonly onMove: (id: string, target: string) => void
  /** The item one place before (-1) or after (+1) `id` that it may swap with, if any. */
  readonly neighbour: (id: string, step: -1 | 1) => string | undefined
  /** Whether `id` may be dropped on `target` (e.g. only within its column group). */
  readonly canDrop?: (id: string, target: string) => boolean
  /** How the live region names an item and its new place. */
  readonly describe: (id: string) => string
}

const DRAG_TYPE = 'application/x-orchard-reorder'

export function useReorder({ onMove, neighbour, canDrop = () => true, describe }: Options) {
  const dragging = useRef<string | undefined>(undefined)
  const [over, setOver] = useState<string>()
  const [announcement, setAnnouncement] = useState('')

  const move = (id: string, target: string) => {
    onMove(id, target)
    setAnnouncement(`Moved ${describe(id)}`)
  }

  const itemProps = (id: string) => ({
    draggable: true,
    'data-drop-target': over === id ? 'true' : undefined,
    'aria-keyshortcuts': MOVE_KEYS,
    onDragStart: (e: DragEvent<HTMLElement>) => {
      // A drag that starts on a resize handle or a form control is theirs, not a move.
      if ((e.target as HTMLElement).closest('.resize, select, input')) return e.preventDefault()
      dragging.current = id
      e.dataTransfer.effectAllowed = 'move'
      e.dataTransfer.setData(DRAG_TYPE, id)
    },
    onDragOver: (e: DragEvent<HTMLElement>) => {
      const source = dragging.current
      if (source === undefined || source === id || !canDrop(source, id)) return
      e.preventDefault()
      e.dataTransfer.dropEffect = 'move'
      if (over !== id) setOver(id)
    },
    onDragLeave: () => setOver((current) => (current === id ? undefined : current)),
    onDrop: (e: DragEvent<HTMLElement>) => {
      const source = dragging.current
      setOver(undefined)
      if (source === undefined || source === id || !canDrop(source, id)) return
      e.preventDefault()
      move(source, id)
    },
    onDragEnd: () => {
      dragging.current = undefined
      setOver(undefined)
    },
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      if (!e.altKey || !e.shiftKey) return
      const step = e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : 0
      if (step === 0) return
      e.preventDefault()
      const target = neighbour(id, step)
      if (target === undefined) return
      const focused = document.activeElement
      move(id, target)
      // React moves the keyed element; a moved element can lose focus, so give it back.
      requestAnimationFrame(() => focused instanceof HTMLElement && focused.isConnected && focused.focus())
    },
  })

  return { itemProps, announcement, move }
}
