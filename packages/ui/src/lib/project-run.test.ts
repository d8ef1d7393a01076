import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { projectRun, shellQuote } from './project-run.ts'

const run = (tags: Record<string, string>, params: Record<string, string> = {}) => ({
  info: { runId: 'r1', experimentId: '7' },
  data: { tags: Object.entries(tags).map(([key, value]) => ({ key, value })), params: Object.entries(params).map(([key, value]) => ({ key, value })) },
})

describe('projectRun', () => {
  it('is undefined for a run that is not a project run', () => {
    assert.equal(projectRun(run({ 'mlflow.source.type': 'LOCAL', 'mlflow.source.name': 'train.py' })), undefined)
  })

  it('spells out a git project run with its commit, entry point, parameters and environment', () => {
    const project = projectRun(
      run(
        {
          'mlflow.source.type': 'PROJECT',
          'mlflow.source.name': 'file:///repo#taxi',
          'mlflow.source.git.commit': 'abc123',
          'mlflow.project.entryPoint': 'train',
          'mlflow.project.env': 'uv',
          'orchard.project.parameters': '["train","note"]',
          'orchard.project.exitCode': '0',
        },
        { train: '2021-01', note: "it's late; rm -rf /", logged_by_program: '1' },
      ),
    )
    assert.deepEqual(project?.parameters, [['train', '2021-01'], ['note', "it's late; rm -rf /"]])
    assert.equal(project?.fromRunCommand, 'orchard run --from-run r1')
    assert.equal(project?.explicitCommand, `orchard run 'file:///repo#taxi' --version abc123 -e train -P train=2021-01 -P 'note=it'"'"'s late; rm -rf /' --env-manager uv --experiment-id 7`)
    assert.equal(project?.commit, 'abc123')
    assert.equal(project?.exitCode, '0')
  })

  it('leaves out --version for a plain folder and --env-manager for a docker or npm environment', () => {
    const project = projectRun(run({ 'mlflow.source.type': 'PROJECT', 'mlflow.source.name': '/home/me/my proj', 'mlflow.project.entryPoint': 'main', 'mlflow.project.env': 'docker' }, { lr: '0.1' }))
    assert.equal(project?.explicitCommand, "orchard run '/home/me/my proj' -e main -P lr=0.1 --experiment-id 7")
    const built = projectRun(run({ 'mlflow.source.type': 'PROJECT', 'mlflow.source.name': '/p', 'mlflow.project.env': 'docker', 'mlflow.docker.image.uri': 'p:latest' }))
    assert.equal(built?.explicitCommand, 'orchard run /p -e main --build-image --experiment-id 7')
  })

  it('shows every param of a run made by mlflow run, which has no list of the project’s parameters', () => {
    const project = projectRun(run({ 'mlflow.source.type': 'PROJECT', 'mlflow.source.name': 'https://github.com/o/r', 'mlflow.project.entryPoint': 'main' }, { a: '1', b: '2' }))
    assert.deepEqual(project?.parameters, [['a', '1'], ['b', '2']])
  })
})

describe('shellQuote', () => {
  it('leaves safe words alone and single-quotes the rest', () => {
    assert.equal(shellQuote('a=b/c.d'), 'a=b/c.d')
    assert.equal(shellQuote(''), "''")
    assert.equal(shellQuote('$(id)'), "'$(id)'")
  })
})
