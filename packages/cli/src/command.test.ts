import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defineCommand, parseCommand, renderHelp, UsageError, wantsHelp } from './command.ts'

const command = defineCommand({
  summary: 'Do a thing',
  positionals: [{ name: 'uri', description: 'where' }],
  flags: {
    port: { type: 'string', placeholder: 'port', description: 'Port', default: '5000' },
    name: { type: 'string', description: 'Name', required: true },
    tag: { type: 'string', description: 'Tag', multiple: true },
    json: { type: 'boolean', description: 'JSON' },
  },
  example: 'orchard thing sqlite:///x.db --name a',
  async run() {},
})

const parse = (argv: string[]) => parseCommand(command, argv)
const rejects = (argv: string[], message: RegExp) =>
  assert.throws(() => parse(argv), (error: unknown) => error instanceof UsageError && message.test(error.message))

describe('command parsing', () => {
  it('returns typed flags, positionals and the order flags were given in', () => {
    const input = parse(['db', '--name', 'a', '--tag', 'x=1', '--json', '--tag', 'y=2', '--port=80'])
    assert.deepEqual(input.positionals, ['db'])
    assert.equal(input.flags.name, 'a')
    assert.deepEqual(input.flags.tag, ['x=1', 'y=2'])
    assert.equal(input.flags.json, true)
    assert.equal(input.flags.port, '80')
    assert.deepEqual(input.order, ['name', 'tag', 'json', 'tag', 'port'])
  })

  it('names unknown flags and suggests a near one', () => {
    rejects(['db', '--name', 'a', '--prot', '1'], /^unknown flag '--prot' \(did you mean --port\?\)$/)
    rejects(['db', '--name', 'a', '--verbose'], /^unknown flag '--verbose'$/)
    rejects(['db', '--name', 'a', '-x'], /^unknown flag '-x'/)
  })

  it('says which flag lacks a value and which takes none', () => {
    rejects(['db', '--name'], /^--name needs a value, e\.g\. --name <value>$/)
    rejects(['db', '--name', 'a', '--json=yes'], /^--json takes no value$/)
    rejects(['db', '--name', ''], /^--name needs a non-empty value$/)
  })

  it('requires required flags and positionals, and refuses extra arguments', () => {
    rejects(['db'], /^--name is required$/)
    rejects(['--name', 'a'], /^missing <uri> \(where\)$/)
    rejects(['db', 'more', '--name', 'a'], /^unexpected argument 'more'$/)
  })

  it('sees --help anywhere before --', () => {
    assert.equal(wantsHelp(['--bogus', '-h']), true)
    assert.equal(wantsHelp(['--', '--help']), false)
  })

  it('renders help with usage, every flag and its default, and the example', () => {
    const help = renderHelp('thing', command)
    assert.match(help, /^Usage: orchard thing <uri> \[flags\]\n/)
    assert.match(help, /--port <port> +Port \(default: 5000\)/)
    assert.match(help, /--name <value> +Name \(required\)/)
    assert.match(help, /--tag <value> +Tag \(repeatable\) \(default: none\)/)
    assert.match(help, /--json +JSON \(default: off\)/)
    assert.match(help, /Example:\n {2}orchard thing sqlite:\/\/\/x\.db --name a\n$/)
  })

  it('reads a repeatable flag from its named environment variable as a comma-separated list, the command line first', () => {
    const withEnv = defineCommand({
      summary: 'Do a thing',
      flags: {
        map: { type: 'string', description: 'Map', multiple: true, env: 'TEST_ORCHARD_MAPS' },
        tag: { type: 'string', description: 'Tag', multiple: true },
      },
      envPrefix: 'TEST_ORCHARD_',
      example: 'orchard thing',
      async run() {},
    })
    process.env.TEST_ORCHARD_MAPS = 'a=b, c=d'
    process.env.TEST_ORCHARD_TAG = 'ignored'
    try {
      assert.deepEqual({ ...parseCommand(withEnv, []).flags }, { map: ['a=b', 'c=d'] })
      assert.deepEqual({ ...parseCommand(withEnv, ['--map', 'x=y']).flags }, { map: ['x=y'] })
      assert.match(renderHelp('thing', withEnv), /--map <value> +Map \(repeatable\) \(default: none; env: TEST_ORCHARD_MAPS\)/)
    } finally {
      delete process.env.TEST_ORCHARD_MAPS
      delete process.env.TEST_ORCHARD_TAG
    }
  })
})
