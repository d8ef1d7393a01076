/** The server's refusal of an action, shown where the action was made. */
export function ActionError({ error }: { readonly error: string | undefined }) {
  if (!error) return null
  return (
    <div className="status error action-error" role="alert">
      {error}
    </div>
  )
}
