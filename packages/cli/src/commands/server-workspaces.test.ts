import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderHelp } from '../command.ts'
import { command } from './server.ts'

test('orchard server --help lists --enable-workspaces with MLflow’s MLFLOW_ENABLE_WORKSPACES', () => {
  assert.match(renderHelp('orchard server', command), /--enable-workspaces .*env: MLFLOW_ENABLE_WORKSPACES\)/)
})
