import assert from 'node:assert/strict'
import { it } from 'node:test'
import { readSignature } from './model-signature.ts'

it('reads inputs, outputs and the input example of an MLmodel, folded long lines included', () => {
  const text = [
    'artifact_path: model',
    'flavors:',
    '  orchard.linear:',
    '    coefficients: coef.json',
    'saved_input_example_info:',
    '  artifact_path: input_example.json',
    '  type: dataframe',
    'signature:',
    `  inputs: '[{"type": "double", "name": "trip_distance", "required": true}, {"type":`,
    `    "string", "name": "it''s", "required": false}]'`,
    `  outputs: '[{"type": "double", "required": true}]'`,
    '  params: null',
    'utc_time_created: 2026-01-01',
  ].join('\n')
  assert.deepEqual(readSignature(text), {
    signature: {
      inputs: [
        { name: 'trip_distance', type: 'double', required: true },
        { name: "it's", type: 'string', required: false },
      ],
      outputs: [{ name: '', type: 'double', required: true }],
    },
    inputExample: 'input_example.json',
  })
})

it('reports no signature when the MLmodel has none', () => {
  assert.deepEqual(readSignature('artifact_path: model\nflavors:\n  sklearn: {}\n'), {})
})
