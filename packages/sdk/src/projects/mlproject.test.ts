import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { getEntryPoint, loadProject } from './mlproject.ts'
import { computeParameters, fillTemplate, parseParameterArguments } from './parameters.ts'
import { shellQuote } from './shell-quote.ts'

let root: string
let counter = 0
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'orchard-mlproject-'))
})
after(() => rm(root, { recursive: true, force: true }))

async function project(files: Record<string, string>): Promise<string> {
  const dir = join(root, `p${counter++}`)
  await mkdir(dir, { recursive: true })
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

const MAIN = `name: demo
entry_points:
  main:
    parameters:
      alpha: {type: float, default: 1.0}
      epochs: {type: int, default: 10}
      data: path
      label: string
      source: {type: uri, default: "s3://bucket/x"}
    command: "python train.py --alpha {alpha} --epochs {epochs} --data {data} --label {label}"
`

describe('MLproject parsing', () => {
  it('finds the file whatever its capitalisation and reads name, entry points and parameter types', async () => {
    const dir = await project({ mlProJect: MAIN })
    const loaded = await loadProject(dir)
    assert.equal(loaded.name, 'demo')
    const main = getEntryPoint(loaded, 'main')
    assert.deepEqual(main.parameters, [
      { name: 'alpha', type: 'float', default: '1.0' },
      { name: 'epochs', type: 'int', default: '10' },
      { name: 'data', type: 'path' },
      { name: 'label', type: 'string' },
      { name: 'source', type: 'uri', default: 's3://bucket/x' },
    ])
    assert.deepEqual(loaded.environment, { kind: 'none' })
  })

  it('fills the template with quoted values, keeps defaults as written and appends undeclared parameters', async () => {
    const dir = await project({ MLproject: MAIN, 'data.csv': 'x\n' })
    const main = getEntryPoint(await loadProject(dir), 'main')
    const computed = computeParameters(main, { data: 'data.csv', label: "it's mine", seed: '7' }, { cwd: dir, projectDirectory: dir })
    assert.equal(computed.command, `python train.py --alpha 1.0 --epochs 10 --data ${join(dir, 'data.csv')} --label 'it'"'"'s mine' --seed 7`)
    assert.deepEqual(computed.logged, [
      ['alpha', '1.0'],
      ['epochs', '10'],
      ['data', 'data.csv'],
      ['label', "it's mine"],
      ['source', 's3://bucket/x'],
      ['seed', '7'],
    ])
  })

  it('resolves a -P path from the caller directory and a default path from the project', async () => {
    const dir = await project({
      MLproject: 'entry_points:\n  main:\n    parameters:\n      data: {type: path, default: local.txt}\n    command: cat {data}\n',
      'local.txt': 'x',
    })
    const main = getEntryPoint(await loadProject(dir), 'main')
    assert.equal(computeParameters(main, {}, { cwd: root, projectDirectory: dir }).command, `cat ${join(dir, 'local.txt')}`)
    assert.throws(() => computeParameters(main, { data: 'local.txt' }, { cwd: root, projectDirectory: dir }), {
      message: 'Got value local.txt for parameter data, but no such file or directory was found.',
    })
  })

  it('names every missing parameter at once, as MLflow', async () => {
    const main = getEntryPoint(await loadProject(await project({ MLproject: MAIN })), 'main')
    assert.throws(() => computeParameters(main, {}, { cwd: root, projectDirectory: root }), {
      name: 'ProjectError',
      message: "No value given for missing parameters: 'data', 'label'",
    })
  })

  it('rejects values of the wrong type and URIs without a scheme', async () => {
    const dir = await project({ MLproject: MAIN, 'd.csv': '' })
    const main = getEntryPoint(await loadProject(dir), 'main')
    const bases = { cwd: dir, projectDirectory: dir }
    const base = { data: 'd.csv', label: 'x' }
    assert.throws(() => computeParameters(main, { ...base, alpha: 'fast' }, bases), { message: "Parameter alpha must be a float, but got 'fast'." })
    assert.throws(() => computeParameters(main, { ...base, epochs: '2.5' }, bases), { message: "Parameter epochs must be an int, but got '2.5'." })
    assert.throws(() => computeParameters(main, { ...base, source: 'bucket/x' }, bases), { message: 'Expected URI for parameter source but got bucket/x' })
    assert.throws(() => computeParameters(main, { ...base, data: 'file://elsewhere/x' }, bases), /not a valid file: URI/)
    for (const ok of ['1e-3', '-2', '.5', 'inf', 'NaN']) computeParameters(main, { ...base, alpha: ok }, bases)
  })

  it('refuses undeclared parameter names that would need quoting', async () => {
    const dir = await project({ MLproject: MAIN, 'd.csv': '' })
    const main = getEntryPoint(await loadProject(dir), 'main')
    assert.throws(() => computeParameters(main, { data: 'd.csv', label: 'x', 'a;touch pwned': '1' }, { cwd: dir, projectDirectory: dir }), /Invalid parameter name 'a;touch pwned'/)
  })

  it('bounds the number, names and values of parameters by MLflow limits', async () => {
    const main = getEntryPoint(await loadProject(await project({ MLproject: 'entry_points:\n  main:\n    command: echo\n' })), 'main')
    const bases = { cwd: root, projectDirectory: root }
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, '1']))
    assert.throws(() => computeParameters(main, many, bases), { message: 'Too many parameters: 101; at most 100.' })
    assert.throws(() => computeParameters(main, { ['k'.repeat(251)]: '1' }, bases), /is longer than 250 characters/)
    assert.throws(() => computeParameters(main, { k: 'v'.repeat(6001) }, bases), { message: 'The value of parameter k is longer than 6000 characters.' })
  })

  it('parses -P arguments at the first = and refuses repeats and a missing =', () => {
    assert.deepEqual(parseParameterArguments(['a=1', 'b=x=y', 'c=']), { a: '1', b: 'x=y', c: '' })
    assert.throws(() => parseParameterArguments(['a']), { message: "Invalid format for -P parameter: 'a'. Use -P name=value." })
    assert.throws(() => parseParameterArguments(['a=1', 'a=2']), { message: "Repeated parameter: 'a'" })
  })

  it('runs undeclared .py, .sh, .js, .mjs and .ts entry points by their interpreter and refuses other names', async () => {
    const dir = await project({ MLproject: MAIN, 'a.py': '', 'b.sh': '', 'c.js': '', 'd.mjs': '', 'e.ts': '' })
    const loaded = await loadProject(dir)
    assert.equal(getEntryPoint(loaded, 'a.py').command, 'python3 a.py')
    assert.match(getEntryPoint(loaded, 'b.sh').command, /sh b\.sh$/)
    assert.equal(getEntryPoint(loaded, 'c.js').command, 'node c.js')
    assert.equal(getEntryPoint(loaded, 'd.mjs').command, 'node d.mjs')
    assert.match(getEntryPoint(loaded, 'e.ts').command, /^node --import \S+tsx\S* e\.ts$/)
    assert.throws(() => getEntryPoint(loaded, 'train'), {
      message: "Could not find train among entry points ['main'] or interpret train as a runnable script. Supported script file extensions: ['.py', '.sh', '.js', '.mjs', '.ts']",
    })
    assert.throws(() => getEntryPoint(loaded, 'missing.py'), /The entry point script missing\.py does not exist/)
  })

  it('treats a folder with no MLproject as a project of scripts', async () => {
    const loaded = await loadProject(await project({ 'train.py': '' }))
    assert.equal(loaded.file, undefined)
    assert.equal(loaded.entryPoints.size, 0)
    assert.equal(getEntryPoint(loaded, 'train.py').command, 'python3 train.py')
  })

  it('chooses the environment in MLflow order and refuses two environment keys', async () => {
    assert.equal((await loadProject(await project({ MLproject: 'python_env: env.yaml\n', 'env.yaml': '' }))).environment.kind, 'python')
    assert.equal((await loadProject(await project({ MLproject: 'conda_env: c.yaml\n', 'c.yaml': '', 'python_env.yaml': '' }))).environment.kind, 'conda')
    assert.equal((await loadProject(await project({ 'python_env.yaml': '', 'conda.yaml': '' }))).environment.kind, 'python')
    assert.equal((await loadProject(await project({ 'conda.yaml': '' }))).environment.kind, 'conda')
    assert.equal((await loadProject(await project({ 'package.json': '{}', 'package-lock.json': '{}' }))).environment.kind, 'node')
    assert.deepEqual((await loadProject(await project({ MLproject: 'docker_env:\n  image: alpine:3\n' }))).environment, {
      kind: 'docker',
      image: 'alpine:3',
      volumes: [],
      environment: [],
    })
    await assert.rejects(loadProject(await project({ MLproject: 'python_env: a.yaml\nconda_env: b.yaml\n' })), {
      message: "Project cannot contain multiple environment fields: {'python_env', 'conda_env'}",
    })
    await assert.rejects(loadProject(await project({ MLproject: 'python_env: nope.yaml\n' })), /Project specified python_env file .*nope\.yaml, but no such file was found\./)
    await assert.rejects(loadProject(await project({ MLproject: 'conda_env: nope.yaml\n' })), /Project specified conda environment file .*nope\.yaml, but no such file was found\./)
    await assert.rejects(loadProject(await project({ MLproject: 'docker_env:\n  volumes: []\n' })), {
      message: 'Project configuration (MLproject file) was invalid: Docker environment specified but no image attribute found.',
    })
    await assert.rejects(loadProject(await project({ MLproject: 'docker_env:\n  image: a\n  volumes: [1]\n' })), /Docker volumes must be a list of strings/)
    await assert.rejects(loadProject(await project({ MLproject: 'docker_env:\n  image: a\n  environment: [{a: 1}]\n' })), /environment must be a list containing/)
  })

  it('reports malformed files instead of crashing', async () => {
    await assert.rejects(loadProject(await project({ MLproject: 'entry_points: [a, b]\n' })), /entry_points must be a mapping/)
    await assert.rejects(loadProject(await project({ MLproject: 'entry_points:\n  main: {}\n' })), /entry point 'main' has no command/)
    await assert.rejects(loadProject(await project({ MLproject: 'entry_points:\n  main:\n    parameters: {a: bool}\n    command: x\n' })), /parameter 'a' of entry point 'main' has type 'bool'/)
    await assert.rejects(loadProject(await project({ MLproject: 'name: [unclosed\n' })), /is not valid YAML/)
    await assert.rejects(loadProject(await project({ MLproject: '- a\n' })), /must be a YAML mapping/)
    await assert.rejects(loadProject(join(root, 'nowhere')), /does not exist or is not a directory/)
    assert.throws(() => fillTemplate('run {nope}', new Map(), 'main'), /uses \{nope\}, which is not one of its parameters/)
    assert.equal(fillTemplate('echo {{literal}} {a}', new Map([['a', 'x']]), 'main'), 'echo {literal} x')
  })
})

describe('shell quoting', () => {
  const hostile = ['$(touch pwned)', '`touch pwned`', "'; touch pwned; '", 'a\nb', '"$HOME"', '&& touch pwned', '', 'é ü', '\\', '*']
  it('quotes as shlex.quote and every value reaches the program unchanged', () => {
    assert.equal(shellQuote('plain-value_1.0/x:y,z@%+='), 'plain-value_1.0/x:y,z@%+=')
    assert.equal(shellQuote("it's"), `'it'"'"'s'`)
    for (const value of hostile) {
      const out = spawnSync('bash', ['-c', `printf %s ${shellQuote(value)}`], { cwd: root, encoding: 'utf8' })
      assert.equal(out.stdout, value)
    }
  })
})
