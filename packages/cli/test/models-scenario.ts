import assert from 'node:assert/strict'
import { OrchardClient } from '@orchard/sdk'
import { orchard, STACK_FRAME } from './harness.ts'
import type { Result } from './harness.ts'

// One walk through every `orchard models` command, shared by the embedded-store and the HTTP-server
// tests. The versions are registered with the SDK (the CLI has no register verb); everything after
// that goes through the real binary.

const TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/

// Wire JSON is read loosely: the point is which snake_case fields are there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

function ok(result: Result, label: string): string {
  assert.equal(result.code, 0, `${label}: ${result.stderr}`)
  return result.stdout
}

const json = (result: Result, label: string): Json => JSON.parse(ok(result, label)) as Json

function failed(result: Result, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, result.stderr)
  assert.match(result.stderr, pattern)
  assert.doesNotMatch(result.stderr, STACK_FRAME)
}

/** Two versions of `fraud` from one run; resolves to the run's id and artifact URI. */
async function seed(trackingUri: string): Promise<{ runId: string; artifactUri: string }> {
  const client = new OrchardClient(trackingUri)
  try {
    const run = await client.createRun(await client.createExperiment('models-cli'))
    await client.createRegisteredModel('fraud', { tags: { team: 'risk' }, description: 'card fraud scorer' })
    await client.registerModel(`runs:/${run.info.runId}/model`, 'fraud')
    await client.registerModel(`runs:/${run.info.runId}/model`, 'fraud')
    return { runId: run.info.runId, artifactUri: run.info.artifactUri }
  } finally {
    await client.close()
  }
}

export async function exerciseModelCommands(cwd: string, trackingUri: string): Promise<void> {
  const cli = (...args: string[]) => orchard(cwd, [...args, '--tracking-uri', trackingUri])
  const { runId, artifactUri } = await seed(trackingUri)
  const source = `${artifactUri}/model`

  const [listTable, listJson, versionsTable, versionsJson] = await Promise.all([
    cli('models', 'list'),
    cli('models', 'list', '--filter', "name LIKE 'fr%'", '--json'),
    cli('models', 'versions', '--name', 'fraud'),
    cli('models', 'versions', '--filter', `run_id = '${runId}'`, '--json'),
  ])
  const listLines = ok(listTable, 'list').trimEnd().split('\n')
  assert.match(listLines[0] ?? '', /^NAME +LATEST VERSIONS +ALIASES +UPDATED$/)
  assert.match(listLines[1] ?? '', new RegExp(`^fraud +2 \\(None\\) +- +${TIME.source}$`))
  const listed = json(listJson, 'list --json').registered_models
  assert.deepEqual(listed.map((m: Json) => [m.name, m.description, m.tags]), [['fraud', 'card fraud scorer', [{ key: 'team', value: 'risk' }]]])
  const versionLines = ok(versionsTable, 'versions').trimEnd().split('\n')
  assert.match(versionLines[0] ?? '', /^VERSION +STAGE +ALIASES +RUN ID +CREATED +SOURCE$/)
  assert.match(versionLines[1] ?? '', new RegExp(`^2 +None +- +${runId} +${TIME.source} +\\S+`))
  assert.match(versionLines[2] ?? '', /^1 +None /)
  const versions = json(versionsJson, 'versions --json').model_versions
  assert.deepEqual(versions.map((v: Json) => [v.version, v.run_id, v.source, v.status]).sort(), [
    ['1', runId, source, 'READY'],
    ['2', runId, source, 'READY'],
  ])

  // Staging, Production, then version 2 replaces it; an alias on the new champion.
  ok(await cli('models', 'transition', '--name', 'fraud', '--version', '1', '--stage', 'staging', '--comment', 'offline eval passed'), 'to Staging')
  assert.equal(
    ok(await cli('models', 'transition', '--name', 'fraud', '--version', '1', '--stage', 'Production'), 'to Production'),
    'Moved fraud version 1 to Production\n',
  )
  const promoted = json(
    await cli('models', 'transition', '--name', 'fraud', '--version', '2', '--stage', 'Production', '--archive-existing', '--comment', 'A/B win', '--json'),
    'promote v2',
  )
  assert.equal(promoted.model_version.current_stage, 'Production')
  assert.equal(
    ok(await cli('models', 'alias', '--name', 'fraud', '--alias', 'champion', '--version', '2'), 'alias'),
    "Alias 'champion' of fraud now points at version 2\n",
  )

  const [byAlias, byStage, byRun, described, history, versionHistory] = await Promise.all([
    cli('models', 'describe', '--model-uri', 'models:/fraud@champion', '--json'),
    cli('models', 'describe', '--model-uri', 'models:/fraud/Archived'),
    cli('models', 'describe', '--model-uri', `runs:/${runId}/model`, '--json'),
    cli('models', 'describe', '--name', 'fraud'),
    cli('models', 'history', '--name', 'fraud'),
    cli('models', 'history', '--name', 'fraud', '--version', '1', '--json'),
  ])
  const aliasJson = json(byAlias, 'describe alias')
  assert.equal(aliasJson.model_version.version, '2')
  assert.deepEqual(aliasJson.model_version.aliases, ['champion'])
  assert.equal(aliasJson.artifact_uri, source)
  const archived = ok(byStage, 'describe stage')
  assert.match(archived, /^Version: +1$/m)
  assert.match(archived, /^Stage: +Archived$/m)
  assert.match(archived, new RegExp(`^Artifact URI: +${source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))
  assert.deepEqual(json(byRun, 'describe runs:/'), { artifact_uri: source, run_id: runId })
  const model = ok(described, 'describe name')
  assert.match(model, /^Description: +card fraud scorer$/m)
  assert.match(model, /^Latest versions\nSTAGE +VERSION +RUN ID +CREATED\n(.*\n)*Production +2 /m)
  assert.match(model, /^Aliases\nALIAS +VERSION\nchampion +2$/m)

  const trail = ok(history, 'history').trimEnd().split('\n')
  assert.match(trail[0] ?? '', /^WHEN +WHO +WHAT +FROM → TO +COMMENT$/)
  assert.match(trail[1] ?? '', new RegExp(`^${TIME.source} +- +model SET_ALIAS champion +- → 2 +-$`))
  assert.match(trail[2] ?? '', /version 2 TRANSITION_STAGE +None → Production +A\/B win$/)
  assert.match(trail[3] ?? '', /version 1 TRANSITION_STAGE +Production → Archived +A\/B win$/)
  assert.ok(trail.some((line) => /version 1 TRANSITION_STAGE +None → Staging +offline eval passed$/.test(line)), trail.join('\n'))
  const events = json(versionHistory, 'history --json').events
  assert.deepEqual(
    events.map((e: Json) => [e.action, e.from_value ?? null, e.to_value]),
    [
      ['TRANSITION_STAGE', 'Production', 'Archived'],
      ['TRANSITION_STAGE', 'Staging', 'Production'],
      ['TRANSITION_STAGE', 'None', 'Staging'],
      ['CREATE', null, source],
    ],
  )

  // Deleting the alias, then the mistakes a user makes.
  assert.deepEqual(json(await cli('models', 'alias', '--name', 'fraud', '--alias', 'champion', '--delete', '--json'), 'alias --delete'), {})
  const [goneAlias, badStage, noVersion, bothFlags, unknownModel, reserved, badUri] = await Promise.all([
    cli('models', 'describe', '--model-uri', 'models:/fraud@champion'),
    cli('models', 'transition', '--name', 'fraud', '--version', '1', '--stage', 'Prod'),
    cli('models', 'alias', '--name', 'fraud', '--alias', 'champion'),
    cli('models', 'describe', '--name', 'fraud', '--model-uri', 'models:/fraud/1'),
    cli('models', 'versions', '--name', 'nope', '--json'),
    cli('models', 'alias', '--name', 'fraud', '--alias', 'latest', '--version', '1'),
    cli('models', 'describe', '--model-uri', 's3://bucket/model'),
  ])
  failed(goneAlias, 1, /^error: Registered model alias champion not found\.\n$/)
  failed(badStage, 2, /^error: --stage must be one of None, Staging, Production, Archived, got 'Prod'\. See 'orchard models transition --help'\.\n$/)
  failed(noVersion, 2, /^error: --version is required to set an alias/)
  failed(bothFlags, 2, /^error: give exactly one of --name and --model-uri/)
  assert.deepEqual(json(unknownModel, 'versions of an unknown model'), {})
  failed(reserved, 1, /^error: 'latest' alias name \(case insensitive\) is reserved\.\n$/)
  failed(badUri, 1, /^error: Unsupported model URI 's3:\/\/bucket\/model'/)
}
