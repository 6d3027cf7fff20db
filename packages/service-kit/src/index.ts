export { type ActionRoutes, actionRoutes } from './action-routes.ts';
export { type Caller, callerOf, DIRECT, mayAccess, ownerScope } from './caller.ts';
export {
  type CorrelatedEvent,
  type CorrelationFields,
  correlationOf,
  idFrom,
  MissingCorrelationError,
} from './correlation.ts';
export { postForId } from './created-id.ts';
export { accept, advance, type Decision, type Rejection, refuse } from './decision.ts';
export { type EventCatalog, type EventCatalogSpec, type EventOf, eventCatalog } from './event-catalog.ts';
export { decided, hal, IdParams, LIMITS, PagingQuery } from './http.ts';
export { type OutboxEvent, type PaidOrderSteps, type PaidOrders, paidOrders } from './paid-order.ts';
export {
  assignedIds,
  type CreateOf,
  createTables,
  declareResource,
  Nullable,
  OneOf,
  type Resource,
  type ResourceSpec,
  type RowOf,
  type TableOf,
} from './resource.ts';
export { listPage, type ResourceRouteOptions, resourceRoutes } from './resource-routes.ts';
export {
  decideOnRow,
  type LoadOptions,
  loadOrThrow,
  type RowStore,
  statusRowsOf,
} from './row-command.ts';
export {
  certainlyNotDone,
  type Saga,
  type SagaContext,
  type SagaDefinition,
  type SagaRunnerOptions,
  type SagaStatus,
  type SagaStep,
  type SagaTables,
  type StartOptions,
  type StepResults,
  sagaMigrations,
  sagaRunner,
} from './saga.ts';
export { type ActionableResource, type StatusActions, statusActions } from './status-actions.ts';
export { type CalleeSettings, calleeClient, calleeConfig } from './sync-callee.ts';
