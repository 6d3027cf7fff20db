export { createEmbeddedBus, type EmbeddedBusOptions } from './embedded/bus.ts';
export { MALFORMED_EVENT_TYPE } from './embedded/member.ts';
export {
  fromWire,
  MalformedEventError,
  parseTimestamp,
  partitionFor,
  toWire,
  type WireEvent,
} from './envelope.ts';
export { type Member, Members } from './members.ts';
export * from './port.ts';
export { type RetryOptions, retryUntilHandled } from './retry.ts';
