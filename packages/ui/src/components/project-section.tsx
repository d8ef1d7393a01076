import { useState } from 'react'
import type { Run } from '../api.ts'
import { PROJECT_OUTPUT_ARTIFACT, projectRun } from '../lib/project-run.ts'
import { linkProps } from '../router.ts'
import type { Navigate } from '../router.ts'

/** A command line with a Copy button; the button says “Copied” once the clipboard has it. */
function CopyableCommand({ label, command }: { readonly label: string; readonly command: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <div className="copyable">
      <code aria-label={label}>{command}</code>
      <button
        type="button"
        aria-label={`Copy ${label.toLowerCase()}`}
        onClick={() => {
          navigator.clipboard?.writeText(command).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  )
}

/** For a run made by `orchard run` or `mlflow run`: where its code came from, what ran, and how to run it again. */
export function ProjectSection({ run, navigate }: { readonly run: Run; readonly navigate: Navigate }) {
  const project = projectRun(run)
  if (!project) return null
  const { experimentId, runId } = run.info
  const source = (
    <>
      <code>{project.sourceName}</code>
      {project.commit ? (
        <>
          {' '}
          at <code title={project.commit}>{project.commit.slice(0, 12)}</code>
        </>
      ) : null}
      {project.branch ? <span className="muted"> ({project.branch})</span> : null}
      {project.dirty ? <span className="pill deleted" title="The work tree had uncommitted changes when the run started">uncommitted changes</span> : null}
    </>
  )
  const fields: [string, React.ReactNode][] = [
    ['Source', source],
    ...(project.repoUrl && project.repoUrl !== project.sourceName ? [['Repository', <code>{project.repoUrl}</code>] as [string, React.ReactNode]] : []),
    ['Entry point', <code>{project.entryPoint}</code>],
    ['Command', project.command ? <code className="value">{project.command}</code> : <span className="muted">not recorded</span>],
    ['Parameters', project.parameters.length === 0 ? <span className="muted">none</span> : <code className="value">{project.parameters.map(([k, v]) => `${k}=${v}`).join('  ')}</code>],
    ['Environment', [project.environment, project.backend ? `backend ${project.backend}` : ''].filter(Boolean).join(', ')],
    ['Exit code', project.exitCode ?? <span className="muted">{run.info.status === 'RUNNING' ? 'still running' : 'not recorded'}</span>],
    ['Output', <a {...linkProps({ page: 'run', experimentId, runId, tab: 'artifacts', artifact: PROJECT_OUTPUT_ARTIFACT }, navigate)}>{PROJECT_OUTPUT_ARTIFACT}</a>],
    ...(project.reproduces
      ? [['Reproduces', <a {...linkProps({ page: 'run', experimentId, runId: project.reproduces, tab: 'overview' }, navigate)}>{project.reproduces}</a>] as [string, React.ReactNode]]
      : []),
  ]
  return (
    <section aria-label="Project" className="project-section">
      <h2>Project</h2>
      <table className="kv">
        <tbody>
          {fields.map(([label, value]) => (
            <tr key={label}>
              <th>{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Run it again</h3>
      <CopyableCommand label="Re-run command" command={project.fromRunCommand} />
      <CopyableCommand label="Explicit command" command={project.explicitCommand} />
      {project.dirty ? <p className="muted">The work tree was not clean: <code>--from-run</code> refuses this run unless given <code>--allow-dirty</code>.</p> : null}
    </section>
  )
}
