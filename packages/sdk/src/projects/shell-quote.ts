// Python's shlex.quote, which MLflow applies to every parameter value before it fills the command:
// a value made only of safe characters stays as is, anything else is wrapped in single quotes, and a
// single quote inside becomes '"'"'. Single quotes turn off every shell expansion, so no value can
// run code, whatever it contains.
const UNSAFE = /[^\w@%+=:,./-]/

/** `value` as one shell word that stands for itself. */
export function shellQuote(value: string): string {
  if (value === '') return "''"
  if (!UNSAFE.test(value)) return value
  return `'${value.replaceAll("'", `'"'"'`)}'`
}
