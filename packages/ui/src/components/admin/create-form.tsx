import { useState } from 'react'
import type { FormEvent, ReactNode } from 'react'
import { useAction } from '../../use-action.ts'
import { ActionError } from './action-error.tsx'

/** One text field of a create form; its value reaches `create` trimmed (passwords as typed). */
export interface CreateField {
  readonly name: string
  readonly label: string
  readonly required?: boolean
  readonly type?: 'text' | 'password'
  readonly placeholder?: string
  readonly autoComplete?: string
}

interface Props {
  /** The form's accessible name, e.g. "Create a user". */
  readonly label: string
  readonly fields: readonly CreateField[]
  readonly submitLabel: ReactNode
  readonly create: (values: Readonly<Record<string, string>>) => Promise<unknown>
  readonly onChanged: () => Promise<void>
}

const emptyValues = (fields: readonly CreateField[]) => Object.fromEntries(fields.map((field) => [field.name, '']))

/**
 * The admin page's "create" forms (users, groups, roles, workspaces): labelled fields, a submit
 * button that is busy while the server answers, the server's refusal beside it, and the fields
 * cleared once the thing exists.
 */
export function CreateForm({ label, fields, submitLabel, create, onChanged }: Props) {
  const [values, setValues] = useState<Record<string, string>>(() => emptyValues(fields))
  const action = useAction()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const sent = Object.fromEntries(fields.map((field) => [field.name, field.type === 'password' ? (values[field.name] ?? '') : (values[field.name] ?? '').trim()]))
    if (await action.run(() => create(sent))) {
      setValues(emptyValues(fields))
      await onChanged()
    }
  }
  return (
    <form className="admin-form" onSubmit={submit} aria-label={label}>
      {fields.map((field) => (
        <label className="stacked" key={field.name}>
          {field.label}
          <input
            type={field.type ?? 'text'}
            value={values[field.name] ?? ''}
            onChange={(e) => setValues((current) => ({ ...current, [field.name]: e.target.value }))}
            required={field.required}
            placeholder={field.placeholder}
            autoComplete={field.autoComplete}
          />
        </label>
      ))}
      <button type="submit" className="primary" disabled={action.busy}>
        {submitLabel}
      </button>
      <ActionError error={action.error} />
    </form>
  )
}
