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
