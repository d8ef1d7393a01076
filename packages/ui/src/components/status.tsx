import type { ReactNode } from 'react'

export function Loading({ what }: { readonly what: string }) {
  return (
    <div className="status loading" role="status">
      Loading {what}…
    </div>
  )
}

export function ErrorBox({ message, title }: { readonly message: string; readonly title?: string }) {
  return (
    <div className="status error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
    </div>
  )
}

export function Empty({ children }: { readonly children: ReactNode }) {
  return <div className="status empty">{children}</div>
}

/** A page for something that does not exist (a deleted-for-good run, a mistyped id), with a way back. */
export function NotFound({ title, children }: { readonly title: string; readonly children?: ReactNode }) {
  return (
    <section className="not-found" aria-label="Not found" data-testid="not-found">
      <p className="code">404</p>
      <h1>{title}</h1>
      {children}
    </section>
  )
}
