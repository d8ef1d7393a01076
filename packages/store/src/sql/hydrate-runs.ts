import type { DatasetInput, Metric, ModelInput, ModelOutput, Run, Tag } from '@orchard/core'
import type { Db } from './db.ts'
import { fragment } from './dialect.ts'
import type { Dialect, Fragment } from './dialect.ts'
import { readJsonColumns } from './json-rows.ts'
import type { JsonRowsSource } from './json-rows.ts'
import { decodeMetricValue } from './metric-value.ts'
import { RUN_FIELDS, findRun, runNotFound, toRunInfo } from './run-rows.ts'
import type { RunRow } from './run-rows.ts'

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/** Items by run key: `map(i)` of each row i, in row order, under its run key `runKeys[i]`. */
function groupBy<Item>(runKeys: readonly number[], rows: readonly number[], map: (i: number) => Item): Map<number, Item[]> {
  const groups = new Map<number, Item[]>()
  for (const i of rows) {
    const key = Number(runKeys[i])
    let list = groups.get(key)
    if (!list) groups.set(key, (list = []))
    list.push(map(i))
  }
  return groups
}

/** 0, 1, …, n - 1: every row of a set, in the order it came. */
const allRows = (n: number) => Array.from({ length: n }, (_, i) => i)
/** A set's rows ordered by the numbers in `column` (an input's or a link's key: their logged order). */
const rowsBy = (column: readonly number[]) => allRows(column.length).sort((a, b) => Number(column[a]) - Number(column[b]))

// Each set as its columns (readJsonColumns): the n-th row's values at index n of each.
type KeyValues = [runKeys: number[], keys: string[], values: string[]]
type Points = [runKeys: number[], keys: string[], values: (number | string)[], timestamps: number[], steps: number[], isNan: number[]]
type InputSets = [runKeys: number[], inputKeys: number[], names: string[], digests: string[], sourceTypes: string[], sources: string[], schemas: (string | null)[], profiles: (string | null)[]]
type InputTags = [inputKeys: number[], keys: string[], values: string[]]
type Links = [runKeys: number[], linkKeys: number[], directions: string[], modelIds: string[], steps: number[]]
type ChildSets = [KeyValues, KeyValues, Points, InputSets, InputTags, Links]

/** Which runs to hydrate, as a condition on a run_key column. */
type RunScope = (column: string) => Fragment

/** The child rows of every run in scope, all in one query (one round trip on PostgreSQL). */
function childSources(scope: RunScope): JsonRowsSource[] {
  const from = (table: string, column = 'run_key') => {
    const where = scope(column)
    return fragment(`FROM ${table} WHERE ${where.sql}`, where.params)
  }
  const inputsOfRuns = scope('run_key')
  return [
    { columns: ['run_key', 'key', 'value'], from: from('params') },
    { columns: ['run_key', 'key', 'value'], from: from('tags') },
    { columns: ['run_key', 'key', 'value', 'timestamp', 'step', 'is_nan'], from: from('latest_metrics') },
    {
      columns: ['ri.run_key', 'ri.input_key', 'd.name', 'd.digest', 'd.source_type', 'd.source', 'd.schema', 'd.profile'],
      from: from('run_inputs ri JOIN datasets d ON d.dataset_key = ri.dataset_key', 'ri.run_key'),
    },
    {
      columns: ['input_key', 'key', 'value'],
      from: fragment(`FROM run_input_tags WHERE input_key IN (SELECT input_key FROM run_inputs WHERE ${inputsOfRuns.sql})`, inputsOfRuns.params),
    },
    { columns: ['run_key', 'link_key', 'direction', 'model_id', 'step'], from: from('run_model_links') },
  ]
}

function keyValues([runKeys, keys, values]: KeyValues): Map<number, Tag[]> {
  return groupBy(runKeys, allRows(runKeys.length), (i): Tag => ({ key: keys[i] as string, value: values[i] as string }))
}

function assemble(rows: readonly RunRow[], [params, tags, metrics, inputs, inputTags, links]: ChildSets): Run[] {
  const paramsByRun = keyValues(params)
  const tagsByRun = keyValues(tags)
  const [metricRuns, metricKeys, values, timestamps, steps, isNan] = metrics
  const metricsByRun = groupBy(
    metricRuns,
    allRows(metricRuns.length),
    (i): Metric => ({
      key: metricKeys[i] as string,
      value: decodeMetricValue(Number(values[i]), isNan[i] as number),
      timestamp: timestamps[i] as number,
      step: steps[i] as number,
    }),
  )
  const tagsByInput = keyValues(inputTags)
  const [inputRuns, inputKeys, names, digests, sourceTypes, sources, schemas, profiles] = inputs
  const inputsByRun = groupBy(inputRuns, rowsBy(inputKeys), (i): DatasetInput => {
    const schema = schemas[i] ?? null
    const profile = profiles[i] ?? null
    return {
      tags: (tagsByInput.get(Number(inputKeys[i])) ?? []).sort(byKey),
      dataset: {
        name: names[i] as string,
        digest: digests[i] as string,
        sourceType: sourceTypes[i] as string,
        source: sources[i] as string,
        ...(schema !== null ? { schema } : {}),
        ...(profile !== null ? { profile } : {}),
      },
    }
  })
  const [linkRuns, linkKeys, directions, modelIds, linkSteps] = links
  const ordered = rowsBy(linkKeys)
  const modelInputs = groupBy(linkRuns, ordered.filter((i) => directions[i] === 'input'), (i): ModelInput => ({ modelId: modelIds[i] as string }))
  const modelOutputs = groupBy(
    linkRuns,
    ordered.filter((i) => directions[i] !== 'input'),
    (i): ModelOutput => ({ modelId: modelIds[i] as string, step: Number(linkSteps[i]) }),
  )
  return rows.map((row) => {
    const key = Number(row.run_key)
    return {
      info: toRunInfo(row),
      data: {
        metrics: (metricsByRun.get(key) ?? []).sort(byKey),
        params: (paramsByRun.get(key) ?? []).sort(byKey),
        tags: (tagsByRun.get(key) ?? []).sort(byKey),
      },
      inputs: { datasetInputs: inputsByRun.get(key) ?? [], modelInputs: modelInputs.get(key) ?? [] },
      outputs: { modelOutputs: modelOutputs.get(key) ?? [] },
    }
  })
}

/**
 * Rows to full runs. A page of any size costs one query for all its child rows (params, tags,
 * latest metrics, inputs and their tags, model links), never one per run or per table.
 */
export async function loadRuns(db: Db, dialect: Dialect, rows: readonly RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return []
  const runKeys = rows.map((r) => r.run_key)
  const sets = await readJsonColumns<ChildSets>(db, dialect, childSources((column) => dialect.inList(column, runKeys, 'bigint')))
  return assemble(rows, sets)
}

/**
 * One run by id, with everything runs/get returns, in a single query on PostgreSQL (one round trip);
 * RESOURCE_DOES_NOT_EXIST when absent, or when it belongs to another workspace than `workspace`.
 */
export async function loadRun(db: Db, dialect: Dialect, runId: string, workspace?: string): Promise<Run> {
  // SQLite runs in-process: two statements cost less than one with the run looked up in each set.
  // A workspace adds a join to the lookup; it goes the same way.
  if (dialect.name === 'sqlite' || workspace !== undefined) return (await loadRuns(db, dialect, [await findRun(db, runId, workspace)]))[0] as Run
  const byId = fragment('FROM runs WHERE run_id = ?', [runId])
  const scope: RunScope = (column) => fragment(`${column} = (SELECT run_key FROM runs WHERE run_id = ?)`, [runId])
  const [found, ...children] = await readJsonColumns<[unknown[][], ...ChildSets]>(db, dialect, [
    { columns: RUN_FIELDS, from: byId },
    ...childSources(scope),
  ])
  if (found[0]?.length !== 1) throw runNotFound(runId)
  const values = found.map((column) => column[0])
  const row = Object.fromEntries(RUN_FIELDS.map((field, i) => [field, values[i]])) as unknown as RunRow
  return assemble([row], children as unknown as ChildSets)[0] as Run
}
