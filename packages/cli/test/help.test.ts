import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { orchard, STACK_FRAME, tempDir } from './harness.ts'
import type { Result } from './harness.ts'

const COMMANDS = [
  'server',
  'gc',
  'db upgrade',
  'experiments create',
  'experiments search',
  'experiments describe',
  'experiments rename',
  'experiments delete',
  'experiments restore',
  'runs create',
  'runs search',
  'runs describe',
  'runs delete',
  'runs restore',
  'models list',
  'models describe',
  'models versions',
  'models transition',
  'models alias',
  'models history',
  'roles create',
  'roles list',
  'roles delete',
  'roles grant',
  'roles deny',
  'roles revoke',
  'roles assign',
  'roles unassign',
  'groups create',
  'groups list',
  'groups delete',
  'groups add-member',
  'groups remove-member',
  'groups assign-role',
  'groups unassign-role',
]
const GROUPS = ['db', 'experiments', 'runs', 'models', 'roles', 'groups']

// One of each kind through the real binary; every value check has its unit test next to its parser.
const mistakes: [string[], RegExp][] = [
  [['serve'], /^error: unknown command 'serve'\. See 'orchard --help'\.$/],
  [['runs', 'list'], /^error: unknown command 'runs list'\. See 'orchard runs --help'\.$/],
  [['server', '--prot', '5000'], /^error: unknown flag '--prot' \(did you mean --port\?\)\. See 'orchard server --help'\.$/],
  [['server', '--port', 'http'], /^error: --port must be an integer from 0 to 65535, got 'http'\. See 'orchard server --help'\.$/],
  [['gc', '--older-than', '3 weeks'], /^error: --older-than must be a duration such as 30d, 12h, 90m, 45s/],
  [['experiments', 'create'], /^error: --experiment-name is required\. See 'orchard experiments create --help'\.$/],
  [['db', 'upgrade'], /^error: missing <uri> .*See 'orchard db upgrade --help'\.$/],
  [['models', 'transition', '--name', 'm', '--version', '0', '--stage', 'Staging'], /^error: --version must be a version number such as 3, got '0'\./],
  [['models', 'history', '--version', '2'], /^error: --version needs --name\. See 'orchard models history --help'\.$/],
  [['models', 'versions'], /^error: give --name, --filter or both\./],
]

describe('orchard help and usage errors', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  // Every invocation is spawned once, all at the same time: each costs a Node start plus tsx.
  const results = new Map<string, Result>()
  const result = (args: readonly string[]) => results.get(args.join(' ')) ?? assert.fail(`not run: ${args.join(' ')}`)
  before(async () => {
    dir = await tempDir()
    const invocations = [
      ['--help'],
      ['--version'],
      ['experiments'],
      ...COMMANDS.map((path) => [...path.split(' '), '--help']),
      ...GROUPS.map((group) => [group, '--help']),
      ...mistakes.map(([args]) => args),
    ]
    const outcomes = await Promise.all(invocations.map((args) => orchard(dir.path, args)))
    for (const [i, args] of invocations.entries()) results.set(args.join(' '), outcomes[i] ?? assert.fail())
  })
  after(() => dir.remove())

  it('lists every command and group at the top level, and prints the version', () => {
    const [help, version] = [result(['--help']), result(['--version'])]
    assert.equal(help.code, 0)
    for (const name of ['server', 'gc', 'db <command>', 'experiments <command>', 'runs <command>', 'models <command>']) {
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'))
    }
    assert.equal(version.code, 0)
    assert.match(version.stdout, /^orchard \d+\.\d+\.\d+\n$/)
  })

  it('documents every command: usage, each flag with its default, an example', () => {
    for (const path of COMMANDS) {
      const { code, stdout, stderr } = result([...path.split(' '), '--help'])
      assert.equal(code, 0, `${path}: ${stderr}`)
      assert.match(stdout, new RegExp(`^Usage: orchard ${path}`), path)
      assert.match(stdout, /\nExample:\n {2}orchard /, path)
      const flags = stdout.split('\nFlags:\n')[1]?.split('\n\n')[0]?.split('\n') ?? []
      for (const line of flags) {
        if (line.includes('--help')) continue
        assert.match(line, /\((default: [^)]+|required)\)$/, `${path}: ${line}`)
      }
    }
  })

  it('resolves defaults against the working directory', () => {
    const { stdout } = result(['server', '--help'])
    assert.ok(stdout.includes(`(default: sqlite:///${dir.path}/mlruns/orchard.db; env: MLFLOW_BACKEND_STORE_URI)`), stdout)
    assert.ok(stdout.includes(`(default: ${dir.path}/mlruns/artifacts; env: MLFLOW_ARTIFACTS_DESTINATION)`), stdout)
  })

  it('takes the server flags from MLFLOW_* variables, the command line winning, and refuses a bad boolean', async () => {
    const { stdout } = result(['server', '--help'])
    assert.ok(stdout.includes('(default: 5000; env: MLFLOW_PORT)'), stdout)
    const bad = await orchard(dir.path, ['server'], { MLFLOW_ARTIFACTS_ONLY: 'perhaps' })
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /MLFLOW_ARTIFACTS_ONLY=perhaps is not a boolean; use true or false/)
    const clash = await orchard(dir.path, ['server', '--no-serve-artifacts'], { MLFLOW_ARTIFACTS_ONLY: 'true' })
    assert.equal(clash.code, 2)
    assert.match(clash.stderr, /--artifacts-only serves artifacts, so it cannot be combined with --no-serve-artifacts/)
  })

  it('lists the verbs of each group', () => {
    for (const group of GROUPS) {
      const { code, stdout } = result([group, '--help'])
      assert.equal(code, 0)
      for (const path of COMMANDS.filter((c) => c.startsWith(`${group} `))) {
        assert.match(stdout, new RegExp(`^  ${path.split(' ')[1]} `, 'm'), group)
      }
    }
  })

  it('rejects bad commands, flags and values with one line and exit code 2', () => {
    for (const [args, expected] of mistakes) {
      const { code, stdout, stderr } = result(args)
      const label = `orchard ${args.join(' ')}`
      assert.equal(code, 2, `${label}: ${stderr}`)
      assert.equal(stdout, '', label)
      assert.equal(stderr.trimEnd().split('\n').length, 1, `${label}: ${stderr}`)
      assert.match(stderr.trimEnd(), expected, label)
      assert.match(stderr, /--help/, label)
      assert.doesNotMatch(stderr, STACK_FRAME, label)
    }
  })

  it('prints the group help and exits 2 when a group is given no command', () => {
    const { code, stdout, stderr } = result(['experiments'])
    assert.equal(code, 2)
    assert.equal(stdout, '')
    assert.match(stderr, /^Usage: orchard experiments <command>/)
  })
})
