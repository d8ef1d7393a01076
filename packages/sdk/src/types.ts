import type * as core from '@orchard/core'
import { isOrchardError as isOrchardErrorOf } from '@orchard/protocol/base'
import type { OrchardError } from '@orchard/protocol/base'

// The entity types of the public API, re-exported with their documentation so an SDK user needs no
// other package. They are @orchard/core's readonly interfaces, unchanged.

/** An experiment: a named group of runs with its own artifact location and tags. */
export type Experiment = core.Experiment
/** A run: its info, its latest metrics with params and tags, and its inputs. */
export type Run = core.Run
/** A run's identity and lifecycle: ids, name, status, times, artifact URI. */
export type RunInfo = core.RunInfo
/** A run's latest value of each metric, its params and its tags. */
export type RunData = core.RunData
/** RUNNING, SCHEDULED, FINISHED, FAILED or KILLED. */
export type RunStatus = core.RunStatus
/** Which lifecycle stages a search returns: ACTIVE_ONLY, DELETED_ONLY or ALL. */
export type ViewType = core.ViewType
/** One point of a metric: key, value (NaN and ±Infinity allowed), timestamp in ms and step. */
export type Metric = core.Metric
/** A metric point with the run it belongs to (multi-run history reads). */
export type RunMetric = core.RunMetric
/** A param: a key with a string value that never changes once logged. */
export type Param = core.Param
/** A tag: a key with a string value. */
export type Tag = core.Tag
/** A dataset a run used, with tags such as mlflow.data.context. */
export type DatasetInput = core.DatasetInput
/** A dataset's name, digest, source and optional schema and profile. */
export type Dataset = core.Dataset
/** A registered model's version: its source, stage, run, tags and aliases. */
export type ModelVersion = core.ModelVersion
/** None, Staging, Production or Archived. */
export type ModelVersionStage = core.ModelVersionStage
/** A named model in the registry, with its latest version per stage, tags and aliases. */
export type RegisteredModel = core.RegisteredModel
/** An alias of a registered model and the version it points at. */
export type RegisteredModelAlias = core.RegisteredModelAlias
/** One change in the registry's audit trail: who, when, what, from → to, and the comment. */
export type RegistryEvent = core.RegistryEvent
/** One page of search results, with the token of the next page (absent on the last). */
export type Page<T> = core.Page<T>

/**
 * True for an OrchardError, even one thrown by another copy of the package (where instanceof fails).
 *
 * @example
 * try { await client.getRun(id) } catch (error) { if (isOrchardError(error) && error.code === 'RESOURCE_DOES_NOT_EXIST') … }
 */
export const isOrchardError: (value: unknown) => value is OrchardError = isOrchardErrorOf
