import assert from 'node:assert/strict'
import { orchard, STACK_FRAME } from './harness.ts'
import type { Result } from './harness.ts'

// One walk through every experiments and runs command, shared by the embedded-store and the
// HTTP-server tests so both transports are held to the same output. Commands that don't depend on
// each other run at the same time: each is a process start.

const TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/
const LONG_NAME = `a-very-long-experiment-name-${'x'.repeat(60)}`

// Wire JSON is read loosely: the point is which snake_case fields are there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

function ok(result: Result, label: string): string {
  assert.equal(result.code, 0, `${label}: ${result.stderr}`)
  return result.stdout
}

const json = (result: Result, label: string): Json => JSON.parse(ok(result, label)) as Json

export async function exerciseTrackingCommands(cwd: string, trackingUri: string): Promise<void> {
  const cli = (...args: string[]) => orchard(cwd, [...args, '--tracking-uri', trackingUri])

  // Create: table (a sentence) and --json (the REST answer).
  const [createdTable, createdJson] = await Promise.all([
    cli('experiments', 'create', '--experiment-name', 'churn', '--tag', 'team=growth'),
    cli('experiments', 'create', '--experiment-name', LONG_NAME, '--json'),
  ])
  const created = ok(createdTable, 'create')
  const [, experimentId = ''] = /^Created experiment (\d+) 'churn'\n$/.exec(created) ?? assert.fail(created)
  const long = json(createdJson, 'create --json')
  assert.deepEqual(Object.keys(long), ['experiment_id'])
  const longId: string = long.experiment_id

  const [table, searchJson, describeTable, describeJson, duplicate, runCreated] = await Promise.all([
    cli('experiments', 'search'),
    cli('experiments', 'search', '--json'),
    cli('experiments', 'describe', '--experiment-name', 'churn'),
    cli('experiments', 'describe', '--experiment-id', experimentId, '--json'),
    cli('experiments', 'create', '--experiment-name', 'churn'),
    cli('runs', 'create', '--experiment-id', experimentId, '--run-name', 'baseline', '--tag', 'stage=dev', '--json'),
  ])
  const lines = ok(table, 'search').trimEnd().split('\n')
  assert.match(lines[0] ?? '', /^ID +NAME +ARTIFACT LOCATION +CREATED$/)
  const churnRow = lines.find((line) => line.startsWith(`${experimentId} `)) ?? assert.fail(lines.join('\n'))
  assert.match(churnRow, new RegExp(`^${experimentId} +churn +\\S+ +${TIME.source}$`))
  const longRow = lines.find((line) => line.startsWith(`${longId} `)) ?? assert.fail(lines.join('\n'))
  assert.ok(longRow.includes('a-very-long-experiment-name-xxx') && longRow.includes('…') && !longRow.includes(LONG_NAME), longRow)
  const header = lines[0] ?? ''
  assert.equal(churnRow.indexOf('churn'), header.indexOf('NAME'), 'columns are aligned')

  const experiments: Json[] = json(searchJson, 'search --json').experiments
  const churn = experiments.find((e) => e.experiment_id === experimentId) ?? assert.fail()
  assert.equal(churn.name, 'churn')
  assert.equal(churn.lifecycle_stage, 'active')
  assert.equal(typeof churn.artifact_location, 'string')
  assert.equal(typeof churn.creation_time, 'number')
  assert.deepEqual(churn.tags, [{ key: 'team', value: 'growth' }])

  const described = ok(describeTable, 'describe')
  assert.match(described, new RegExp(`^Experiment ID: +${experimentId}$`, 'm'))
  assert.match(described, /^Name: +churn$/m)
  assert.match(described, new RegExp(`^Created: +${TIME.source}$`, 'm'))
  assert.match(described, /^Tags\nKEY +VALUE\nteam +growth$/m)
  assert.deepEqual(json(describeJson, 'describe --json').experiment, churn)

  assert.equal(duplicate.code, 1)
  assert.match(duplicate.stderr, /^error: .*churn.*\n$/)
  assert.doesNotMatch(duplicate.stderr, STACK_FRAME)

  // Runs.
  const run = json(runCreated, 'runs create').run
  const runId: string = run.info.run_id
  assert.equal(run.info.run_uuid, runId)
  assert.equal(run.info.experiment_id, experimentId)
  assert.equal(run.info.status, 'RUNNING')
  assert.ok(run.data.tags.some((t: Json) => t.key === 'stage' && t.value === 'dev'))

  const [runsTable, runsJson, runTable, runJson, renamed, missing] = await Promise.all([
    cli('runs', 'search', '--experiment-ids', experimentId),
    cli('runs', 'search', '--experiment-ids', experimentId, '--json', '--max-results', '10'),
    cli('runs', 'describe', '--run-id', runId),
    cli('runs', 'describe', '--run-id', runId, '--json'),
    cli('experiments', 'rename', '--experiment-id', experimentId, '--new-name', 'churn-v2'),
    cli('runs', 'describe', '--run-id', 'f'.repeat(32)),
  ])
  const runLines = ok(runsTable, 'runs search').trimEnd().split('\n')
  assert.match(runLines[0] ?? '', /^RUN ID +NAME +STATUS +STARTED +DURATION$/)
  assert.match(runLines[1] ?? '', new RegExp(`^${runId} +baseline +RUNNING +${TIME.source} +-$`))
  assert.equal(runLines.length, 2)
  assert.deepEqual(json(runsJson, 'runs search --json').runs.map((r: Json) => r.info.run_id), [runId])
  const runText = ok(runTable, 'runs describe')
  assert.match(runText, new RegExp(`^Run ID: +${runId}$`, 'm'))
  assert.match(runText, /^Status: +RUNNING$/m)
  assert.match(runText, /^Tags\nKEY +VALUE\n(.*\n)*stage +dev$/m)
  assert.deepEqual(json(runJson, 'runs describe --json').run, run)

  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /^error: .+\n$/)
  assert.doesNotMatch(missing.stderr, STACK_FRAME)

  // Rename, delete, the deleted view, restore.
  assert.equal(ok(renamed, 'rename'), `Renamed experiment ${experimentId} to 'churn-v2'\n`)
  const [runDeleted, experimentDeleted, describeRenamed] = await Promise.all([
    cli('runs', 'delete', '--run-id', runId, '--json'),
    cli('experiments', 'delete', '--experiment-id', longId),
    cli('experiments', 'describe', '--experiment-name', 'churn-v2', '--json'),
  ])
  assert.equal(json(describeRenamed, 'describe renamed').experiment.experiment_id, experimentId)
  assert.deepEqual(json(runDeleted, 'runs delete'), {})
  assert.match(ok(experimentDeleted, 'experiments delete'), new RegExp(`^Deleted experiment ${longId}\\. Undo with 'orchard experiments restore --experiment-id ${longId}'\\.\\n$`))

  const [deletedRuns, activeRuns, deletedExperiments] = await Promise.all([
    cli('runs', 'search', '--experiment-ids', experimentId, '--view', 'deleted'),
    cli('runs', 'search', '--experiment-ids', experimentId, '--json'),
    cli('experiments', 'search', '--view', 'deleted', '--json'),
  ])
  assert.match(ok(deletedRuns, 'deleted runs'), new RegExp(`^${runId} +baseline +RUNNING +deleted `, 'm'))
  assert.deepEqual(json(activeRuns, 'active runs'), {}, 'an empty search answers {} as MLflow does')
  assert.deepEqual(json(deletedExperiments, 'deleted experiments').experiments.map((e: Json) => e.experiment_id), [longId])

  const [runRestored, experimentRestored] = await Promise.all([
    cli('runs', 'restore', '--run-id', runId),
    cli('experiments', 'restore', '--experiment-id', longId, '--json'),
  ])
  assert.equal(ok(runRestored, 'runs restore'), `Restored run ${runId}\n`)
  assert.deepEqual(json(experimentRestored, 'experiments restore'), {})
}
