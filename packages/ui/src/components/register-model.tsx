import { useState } from 'react'
import { registerRunModel } from '../registry-api.ts'
import type { ModelVersion } from '../registry-api.ts'
import { ConfirmDialog } from './confirm-dialog.tsx'

// "Register model" on a run's MLmodel: the folder that holds it becomes a new version of a registered
// model (made on the spot when the name is new), with `runs:/<run>/<folder>` as its source, as
// MLflow's register_model does.
export function RegisterModelButton({ runId, folder }: { readonly runId: string; readonly folder: string }) {
  const [open, setOpen] = useState(false)
  const [name, setName] = useState('')
  const [registered, setRegistered] = useState<ModelVersion>()
  return (
    <>
      {registered ? (
        <a className="registered-link" href={`/models/${encodeURIComponent(registered.name)}/versions/${encodeURIComponent(registered.version)}`}>
          {registered.name} v{registered.version}
        </a>
      ) : null}
      <button type="button" onClick={() => setOpen(true)}>
        Register model
      </button>
      {open ? (
        <ConfirmDialog
          title={`Register ${folder || 'this model'} as a model version`}
          confirmLabel="Register"
          onConfirm={async () => {
            if (!name.trim()) throw new Error('Give the model a name.')
            setRegistered(await registerRunModel(name.trim(), runId, folder))
          }}
          onClose={() => setOpen(false)}
        >
          <label className="stacked">
            Model name (an existing model gets a new version)
            <input aria-label="Model name" autoFocus value={name} maxLength={250} onChange={(e) => setName(e.target.value)} />
          </label>
          <p className="muted">
            Source: <code>{`runs:/${runId}/${folder}`}</code>
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  )
}
