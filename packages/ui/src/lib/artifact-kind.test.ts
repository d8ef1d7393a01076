import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { artifactKind, parseDelimited, summarizeMlmodel } from './artifact-kind.ts'

describe('artifact previews', () => {
  it('picks a preview from the file name', () => {
    const kinds = Object.fromEntries(
      ['a/train.log', 'b.JSON', 'c.yml', 'model/MLmodel', 'd.csv', 'e.tsv', 'f.PNG', 'g.svg', 'h.html', 'model.pkl', 'MLproject', 'x/README'].map((p) => [p, artifactKind(p)]),
    )
    assert.deepEqual(kinds, {
      'a/train.log': 'text',
      'b.JSON': 'json',
      'c.yml': 'yaml',
      'model/MLmodel': 'mlmodel',
      'd.csv': 'csv',
      'e.tsv': 'tsv',
      'f.PNG': 'image',
      'g.svg': 'image',
      'h.html': 'html',
      'model.pkl': 'none',
      MLproject: 'text',
      'x/README': 'text',
    })
  })

  it('parses quoted CSV fields, CRLF lines and doubled quotes', () => {
    assert.deepEqual(parseDelimited('a,b\r\n"x, y","say ""hi"""\n"multi\nline",2\n', ',', false, 100), [
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', '2'],
    ])
    assert.deepEqual(parseDelimited('a\tb\n1\t2', '\t', false, 100), [['a', 'b'], ['1', '2']])
  })

  it('drops the cut-off last line of a partial file and stops at maxRows', () => {
    assert.deepEqual(parseDelimited('a,b\n1,2\n3,', ',', true, 100), [['a', 'b'], ['1', '2']])
    assert.deepEqual(parseDelimited('a\n1\n2\n3\n', ',', false, 2), [['a'], ['1']])
  })

  it('summarizes an MLmodel file', () => {
    const text = 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\nrun_id: abc\nsignature:\n  inputs: x\nutc_time_created: \'2026-01-01 00:00:00\'\n'
    assert.deepEqual(summarizeMlmodel(text), {
      flavors: ['python_function', 'sklearn'],
      fields: [['artifact_path', 'model'], ['run_id', 'abc'], ['signature', 'yes'], ['utc_time_created', '2026-01-01 00:00:00']],
    })
  })
  it('keeps flavors whose names hold dots or quotes', () => {
    const text = 'artifact_path: model\nflavors:\n  orchard.linear:\n    coefficients: coef.json\n  "my-org.ranker":\n    version: 2\n  python_function:\n    loader_module: orchard.serve\nrun_id: r1\n'
    assert.deepEqual(summarizeMlmodel(text).flavors, ['orchard.linear', 'my-org.ranker', 'python_function'])
  })
})
