export { type Caller, callerOf, DIRECT, mayAccess, ownerScope } from './caller.ts';
export { accept, advance, type Decision, type Rejection, refuse } from './decision.ts';
export { decided, hal, IdParams, PagingQuery } from './http.ts';
