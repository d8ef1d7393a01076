// Chromium traces for bench/ui-scroll.ts: the main thread CPU time of each frame of a scroll, and with
// --profile where the time went (trace events, forced layouts, the longest tasks, JavaScript self time).
import { writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'

interface TraceEvent { readonly name: string; readonly ph: string; readonly pid: number; readonly tid: number; readonly ts: number; readonly dur?: number; readonly tdur?: number; readonly args?: { readonly name?: string } }
interface ProfileNode { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number }; readonly hitCount?: number }

/** Runs `action` under the CDP profiler and a timeline trace; prints where the renderer's main thread spent its time. */
export async function profiled<T>(page: Page, action: () => Promise<T>, traceOut?: string): Promise<{ result: T; events: TraceEvent[] }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  const { result, events } = await traced(page, action)
  if (traceOut) writeFileSync(traceOut, JSON.stringify(events))
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } }
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
  const totals = new Map<string, { ms: number; cpu: number; count: number }>()
  for (const e of onMain) {
    const t = totals.get(e.name) ?? { ms: 0, cpu: 0, count: 0 }
    t.ms += e.dur! / 1000
    t.cpu += (e.tdur ?? 0) / 1000
    t.count++
    totals.set(e.name, t)
  }
  // Wall time counts the time the thread waited for a core (the machine is shared); thread time does not.
  console.log('main thread, total wall ms and thread (CPU) ms by trace event (nested events counted in their parents too):')
  for (const [name, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`  ${t.ms.toFixed(1).padStart(8)} ms ${t.cpu.toFixed(1).padStart(8)} cpu ${String(t.count).padStart(6)}× ${name}`)
  // Where style and layout run: in the frame's own rendering step, or forced inside a script.
  const scripts = onMain.filter((e) => ['FunctionCall', 'EventDispatch', 'FireAnimationFrame', 'TimerFire', 'v8.callFunction'].includes(e.name))
  for (const name of ['Layout', 'UpdateLayoutTree']) {
    const within = new Map<string, { ms: number; count: number }>()
    for (const e of onMain.filter((x) => x.name === name)) {
      const parent = scripts.filter((x) => x.ts <= e.ts && x.ts + x.dur! >= e.ts + e.dur!).sort((a, b) => a.dur! - b.dur!)[0]
      const key = parent?.name ?? 'frame rendering'
      const t = within.get(key) ?? { ms: 0, count: 0 }
      t.ms += e.dur! / 1000
      t.count++
      within.set(key, t)
    }
    console.log(`${name}: ${[...within].map(([k, t]) => `${t.ms.toFixed(1)} ms ${t.count}× in ${k}`).join('; ')}`)
  }
  // The longest tasks, by what ran inside them (events inside, not nested in another listed one).
  const listed = ['FunctionCall', 'EventDispatch', 'FireAnimationFrame', 'TimerFire', 'UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint', 'Layerize', 'Commit', 'MajorGC', 'MinorGC', 'V8.GC_MARK_COMPACTOR', 'ParseHTML', 'EvaluateScript', 'HitTest', 'ScheduleStyleRecalculation']
  for (const task of onMain.filter((e) => e.name === 'RunTask' && e.dur! > 20_000).sort((a, b) => b.dur! - a.dur!).slice(0, 12)) {
    const inside = onMain.filter((e) => e !== task && listed.includes(e.name) && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur!)
    const top = inside.filter((e) => !inside.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur! >= e.ts + e.dur! && o.dur! > e.dur!))
    const parts = new Map<string, number>()
    for (const e of top) parts.set(e.name, (parts.get(e.name) ?? 0) + e.dur! / 1000)
    console.log(`  task ${(task.dur! / 1000).toFixed(1)} ms (${((task.tdur ?? 0) / 1000).toFixed(1)} cpu): ${[...parts].map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ')}`)
  }
  const tasks = onMain.filter((e) => e.name === 'RunTask').map((e) => e.dur! / 1000).sort((a, b) => b - a)
  console.log(`tasks: ${tasks.length}, over 10 ms: ${tasks.filter((t) => t > 10).length}, longest: ${tasks.slice(0, 8).map((t) => t.toFixed(1)).join(', ')}`)
  const self = new Map<string, number>()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  console.log('JavaScript self time (ms):')
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${ms.toFixed(1).padStart(8)} ${key}`)
  await cdp.detach()
  return { result, events }
}

/** `action`'s result and the timeline trace events recorded while it ran. */
async function traced<T>(page: Page, action: () => Promise<T>): Promise<{ result: T; events: TraceEvent[] }> {
  const cdp = await page.context().newCDPSession(page)
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])))
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()))
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8,blink.user_timing', transferMode: 'ReportEvents' })
  const result = await action()
  await cdp.send('Tracing.end')
  await complete
  await cdp.detach()
  return { result, events }
}

/**
 * Main-thread CPU (thread time, so not the time spent waiting for a core on a busy machine) per frame
 * while `action` runs: every task between one animation frame callback and the next is counted to the
 * frame. The median, 95th percentile and share over 16.7 ms (a frame at 60 Hz).
 */
export async function frameCpu<T>(page: Page, action: () => Promise<T>, profile = false, traceOut?: string): Promise<{ result: T; median: number; p95: number; overBudget: number }> {
  const { result, events } = profile ? await profiled(page, action, traceOut) : await traced(page, action)
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
  const tasks = onMain.filter((e) => e.name === 'RunTask').sort((a, b) => a.ts - b.ts)
  const frames = onMain.filter((e) => e.name === 'FireAnimationFrame').map((e) => tasks.findLast((t) => t.ts <= e.ts)?.ts ?? e.ts).sort((a, b) => a - b)
  const perFrame = frames.slice(1).map((end, i) => tasks.filter((t) => t.ts >= frames[i]! && t.ts < end).reduce((sum, t) => sum + (t.tdur ?? 0) / 1000, 0))
  const sorted = [...perFrame].sort((a, b) => a - b)
  return { result, median: sorted[Math.floor(sorted.length / 2)] ?? 0, p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0, overBudget: perFrame.filter((ms) => ms > 16.7).length / Math.max(1, perFrame.length) }
}
