export {
  type ConsumerOptions,
  type IdempotentConsumer,
  idempotentConsumer,
  NotYetError,
  ParkedEventNotFound,
  ParkedEventNotReplayable,
  type PolicyHandler,
} from './consumer.ts';
export { createOutbox, type NewEvent, type Outbox } from './outbox.ts';
export { listParked, type ParkedEvent } from './parked.ts';
export { OutboxRelay, type RelayOptions } from './relay.ts';
export { type MessagingTables, messaging, messagingMigrations } from './tables.ts';
