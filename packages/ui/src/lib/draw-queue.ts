// Charts are drawn one per task. Building a uPlot chart of 100 runs takes tens of milliseconds, and a
// setting changed with a screenful of charts (log scale, smoothing, the x axis) used to rebuild them
// all in one task: the page could not answer a click or a key for a quarter of a second. Queued, each
// chart is its own task, and the browser handles input and paints between them.

type Job = () => void

const queue: Job[] = []
let pending = false
// A message port schedules a task without the 4 ms clamp nested timers get.
const channel = typeof MessageChannel === 'undefined' ? undefined : new MessageChannel()
if (channel) channel.port1.onmessage = () => runNext()

function runNext(): void {
  pending = false
  const job = queue.shift()
  if (queue.length > 0) wake()
  job?.()
}

function wake(): void {
  if (pending) return
  pending = true
  if (channel) channel.port2.postMessage(undefined)
  else setTimeout(runNext, 0)
}

/** Runs `job` in a task of its own after the jobs queued before it; the returned function cancels it. */
export function scheduleDraw(job: Job): () => void {
  queue.push(job)
  wake()
  return () => {
    const index = queue.indexOf(job)
    if (index >= 0) queue.splice(index, 1)
  }
}
