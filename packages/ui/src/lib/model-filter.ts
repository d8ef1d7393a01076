// The models search box takes either plain text, matched anywhere in the name without regard to case,
// or a filter in MLflow's registered-model grammar (anything with a comparison in it), passed as is
// so the server's parser reports any mistake.

const FILTER_SYNTAX = /(=|<|>|\blike\b|\bilike\b|\bin\b)/i

export function modelFilter(text: string): string {
  const trimmed = text.trim()
  if (!trimmed || FILTER_SYNTAX.test(trimmed)) return trimmed
  const escaped = trimmed.replace(/\\/g, '\\\\').replace(/%/g, '\\%').replace(/_/g, '\\_').replace(/'/g, "\\'")
  return `name ILIKE '%${escaped}%'`
}
