export { messagingMigrations, messaging, type MessagingTables } from './tables.ts';
export { createOutbox, type Outbox, type NewEvent } from './outbox.ts';
export { OutboxRelay, type RelayOptions } from './relay.ts';
export {
  idempotentConsumer,
  ParkedEventNotFound,
  ParkedEventNotReplayable,
  type ConsumerOptions,
  type IdempotentConsumer,
  type PolicyHandler,
} from './consumer.ts';
export { listParked, type ParkedEvent } from './parked.ts';
