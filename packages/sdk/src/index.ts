// @orchard/sdk: OrchardClient (MLflow's MlflowClient surface) over a server or a local store, and
// the fluent run API. The browser-safe subset is @orchard/sdk/rest.

export { OrchardClient, MlflowClient, resolveTrackingUri } from './orchard-client.ts'
export type { LogModelToRunOptions, LoggedModelInfo, OrchardClientOptions } from './orchard-client.ts'
export { TrackingClient, RegistryClient, RestTransport, OrchardError, isOrchardError, parseRunsUri } from './rest/index.ts'
export type {
  BatchingOptions,
  ErrorCode,
  HttpOptions,
  MetricInput,
  ParamValue,
  RestTransportOptions,
  RetryPolicy,
  SearchExperimentsOptions,
  SearchRunsOptions,
  TagRecord,
  TrackingClientOptions,
  Transport,
  CommentOption,
  CreateModelVersionOptions,
  RegisterModelOptions,
  RegistryTransport,
  ResolvedModelUri,
  SearchRegistryEventsOptions,
  SearchRegistryOptions,
  TransitionStageOptions,
  VersionNumber,
} from './rest/index.ts'
export { EmbeddedTransport } from './embedded/embedded-transport.ts'
export { HttpArtifactRepository } from './artifacts/http-artifact-repository.ts'
export { encodePng, toYaml } from './artifacts/encode.ts'
export type { RawImage } from './artifacts/encode.ts'
export type { ImageInput, TableData } from './artifacts/run-artifacts.ts'
export type { TransferOptions, TransferProgress, TransferSummary } from '@orchard/artifacts'
export type { ArtifactFileInfo } from '@orchard/artifacts'
export {
  activeRun,
  endRun,
  flush,
  getFluentClient,
  getTrackingUri,
  logArtifact,
  logArtifacts,
  logDict,
  logImage,
  logTable,
  logText,
  logMetric,
  logMetrics,
  logParam,
  logParams,
  registerModel,
  setExperiment,
  setTag,
  setTags,
  setTrackingUri,
  startRun,
  withRun,
} from './fluent/index.ts'
export type { ActiveRun, FluentMetricOptions, StartRunOptions } from './fluent/fluent.ts'
export type { Dataset, DatasetInput, Experiment, Metric, Page, Param, Run, RunData, RunInfo, RunMetric, RunStatus, Tag, ViewType } from './types.ts'
export type { LinearModelData, LoadedModel, LogModelOptions, ModelInfo, PredictOptions } from '@orchard/models'
export type { ModelVersion, ModelVersionStage, RegisteredModel, RegisteredModelAlias, RegistryEvent } from './types.ts'
export {
  ENV_MANAGERS,
  OUTPUT_ARTIFACT_DIR,
  OUTPUT_ARTIFACT_FILE,
  PROJECT_TAGS,
  ProjectError,
  computeParameters,
  environmentCacheDir,
  getEntryPoint,
  isProjectError,
  loadProject,
  parseParameterArguments,
  runProject,
  shellQuote,
  startProjectRun,
} from './projects/index.ts'
export type { EnvManager, EntryPoint, ParameterSpec, Project, ProjectEnvironment, ProjectRunResult, RunProjectOptions } from './projects/index.ts'
