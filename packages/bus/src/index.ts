export * from './port.ts';
export { fromWire, toWire, parseTimestamp, partitionFor, MalformedEventError, type WireEvent } from './envelope.ts';
export { createEmbeddedBus, type EmbeddedBusOptions } from './embedded/bus.ts';
export { MALFORMED_EVENT_TYPE } from './embedded/member.ts';
export { openBus } from './open.ts';
