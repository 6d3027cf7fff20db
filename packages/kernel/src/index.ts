export { NotYetError } from '@bounded/outbox';
export { listenRefusal } from './acceptors.ts';
export { type App, type BuildAppOptions, buildApp } from './app.ts';
export {
  type BaseConfig,
  baseConfigSchema,
  ConfigError,
  type ConfigIssue,
  extendConfig,
  LOG_LEVELS,
  loadConfig,
} from './config.ts';
export { type ErrorBody, errorBody, resolveError } from './error-handler.ts';
export {
  AppError,
  type AppErrorOptions,
  asHttpErrorLike,
  BadRequestError,
  ConflictError,
  type FieldError,
  ForbiddenError,
  type HttpErrorLike,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from './errors.ts';
export { createHealth, type HealthControl, type ReadyCheck } from './health.ts';
export {
  DEFAULT_MAX_EVENT_LOOP_DELAY_MS,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_SHED_MIN_IN_FLIGHT,
  eventLoopDelayProbe,
  installLoadShedding,
  type LoadSheddingOptions,
  type LoopDelay,
  type ShedLimits,
  sendOverloaded,
  shedReason,
} from './load-shedding.ts';
export { createLogger, type Logger } from './logger.ts';
export { openBus } from './open-bus.ts';
export { ErrorSchema, withRefusals } from './openapi.ts';
export {
  type Resource,
  type RunnableApp,
  type RunningService,
  type RunServiceOptions,
  runService,
} from './run.ts';
export {
  type BuiltService,
  buildService,
  type RecordEvents,
  type ServiceContext,
  type ServiceDefinition,
  startService,
} from './service.ts';
export {
  currentTraceparent,
  formatTraceparent,
  newTraceContext,
  parseTraceparent,
  type TraceContext,
  traceContext,
} from './trace.ts';
