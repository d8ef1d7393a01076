// A drift report as a terminal table and as one self-contained HTML page (no scripts, no external
// assets), for `orchard monitor drift --format table|html`.
import type { DriftReport } from './drift-report.ts'

const number = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '-' : Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4))

/** Columns as aligned text, drifted ones marked, then the dataset verdict. */
export function driftReportTable(report: DriftReport): string {
  const header = ['column', 'type', 'method', 'value', 'threshold', 'drift', 'wasserstein_normed', 'ks_statistic', 'ks_pvalue', 'jensenshannon', 'psi']
  const rows = report.columns.map((c) => {
    const s = c.statistics as Record<string, number | undefined>
    return [c.name, c.type, c.method, number(c.value), number(c.threshold), c.drift ? 'DRIFT' : 'no', number(s.wasserstein_normed), number(s.ks_statistic), number(s.ks_pvalue), number(s.jensenshannon), number(s.psi)]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()
  const drifted = report.columns.filter((c) => c.drift).length
  const lines = [line(header), ...rows.map(line), '']
  lines.push(`${drifted} of ${report.columns.length} columns drifted (share ${report.share_drifted.toFixed(3)}): ${report.dataset_drift ? 'DATASET DRIFT' : 'no dataset drift'}.`)
  lines.push(`Reference ${report.reference_rows.toLocaleString('en-US')} rows, current ${report.current_rows.toLocaleString('en-US')} rows.`)
  for (const s of report.skipped) lines.push(`Skipped ${s.name}: ${s.reason}.`)
  return `${lines.join('\n')}\n`
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** One HTML page: the verdict, then a row per column with a bar of its value against its threshold. */
export function driftReportHtml(report: DriftReport, title = 'Drift report'): string {
  const rows = report.columns
    .map((c) => {
      const s = c.statistics as Record<string, number | undefined>
      const scale = Math.max(c.value, c.threshold) * 1.25 || 1
      const bar = `<svg width="160" height="14" role="img" aria-label="value ${number(c.value)}, threshold ${number(c.threshold)}"><rect width="160" height="14" fill="#eee"/><rect width="${((160 * Math.min(c.value, scale)) / scale).toFixed(1)}" height="14" fill="${c.drift ? '#d9534f' : '#5cb85c'}"/><line x1="${((160 * c.threshold) / scale).toFixed(1)}" x2="${((160 * c.threshold) / scale).toFixed(1)}" y1="0" y2="14" stroke="#333" stroke-width="2"/></svg>`
      const stats = Object.entries(s)
        .map(([k, v]) => `${escapeHtml(k)} ${number(v)}`)
        .join('<br>')
      return `<tr class="${c.drift ? 'drift' : ''}"><td>${escapeHtml(c.name)}</td><td>${c.type}</td><td>${escapeHtml(c.method)}</td><td>${number(c.value)}</td><td>${number(c.threshold)}</td><td>${bar}</td><td>${c.drift ? 'drift' : 'no drift'}</td><td class="stats">${stats}</td></tr>`
    })
    .join('\n')
  const drifted = report.columns.filter((c) => c.drift).length
  const skipped = report.skipped.length ? `<p>Skipped: ${report.skipped.map((s) => `${escapeHtml(s.name)} (${escapeHtml(s.reason)})`).join(', ')}.</p>` : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}tr.drift td:first-child{font-weight:bold;color:#b52b27}.stats{font:12px monospace;color:#555}.verdict{font-size:18px}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p class="verdict">${report.dataset_drift ? '<strong>Dataset drift</strong>' : 'No dataset drift'}: ${drifted} of ${report.columns.length} columns drifted (share ${report.share_drifted.toFixed(3)}).</p>
<p>Reference ${report.reference_rows.toLocaleString('en-US')} rows, current ${report.current_rows.toLocaleString('en-US')} rows.</p>
<table><thead><tr><th>Column</th><th>Type</th><th>Method</th><th>Value</th><th>Threshold</th><th></th><th>Verdict</th><th>Statistics</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${skipped}
</body></html>
`
}
