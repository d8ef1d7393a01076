// @orchard/sdk/rest: the browser-safe part of the SDK (what the UI imports). No Node imports here or
// in anything this file reaches.

export { RestTransport } from './rest-transport.ts'
export type { ArtifactFile, ArtifactListing, RestTransportOptions } from './rest-transport.ts'
export type { HttpOptions } from './http-client.ts'
export type { RetryPolicy } from './retry.ts'
export type {
  CreateExperimentInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryIntervalQuery,
  MetricHistoryQuery,
  SearchExperimentsQuery,
  SearchRunsQuery,
  Transport,
  UpdateRunInput,
} from './transport.ts'
export type {
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  RegistryNote,
  RegistryTransport,
  SearchRegistryEventsQuery,
  SearchRegistryQuery,
} from './registry-transport.ts'
export { RegistryClient } from '../client/registry-client.ts'
export type {
  CommentOption,
  CreateModelVersionOptions,
  RegisterModelOptions,
  SearchRegistryEventsOptions,
  SearchRegistryOptions,
  TransitionStageOptions,
  VersionNumber,
} from '../client/registry-options.ts'
export { parseRunsUri } from '../client/model-uri.ts'
export type { ResolvedModelUri } from '../client/model-uri.ts'
export { TrackingClient } from '../client/tracking-client.ts'
export type {
  MetricInput,
  ParamValue,
  SearchExperimentsOptions,
  SearchRunsOptions,
  TagRecord,
  TrackingClientOptions,
} from '../client/client-options.ts'
export type { BatchingOptions } from '../client/metric-batcher.ts'
export { OrchardError } from '@orchard/protocol/base'
export { isOrchardError } from '../types.ts'
export type { Dataset, DatasetInput, Experiment, Metric, Page, Param, Run, RunData, RunInfo, RunMetric, RunStatus, Tag, ViewType } from '../types.ts'
export type { ModelVersion, ModelVersionStage, RegisteredModel, RegisteredModelAlias, RegistryEvent } from '../types.ts'
export type { ErrorCode } from '@orchard/protocol/base'
