/**
 * customer: the notifier (the seed's Python Kafka handler, here with a REST read side) and the
 * customer's view of their requests, both fed only by events.
 */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { customerConfig } from './config.ts';
import { customerRoutes } from './http.ts';
import { logSender, webhookSender } from './notifier/port.ts';
import { startSender } from './notifier/sender.ts';
import { tellCustomerPolicies } from './policies/tell-customer.ts';
import { type CustomerTables, migrations } from './tables.ts';

export const customerService: ServiceDefinition<CustomerTables, typeof customerConfig> = {
  name: 'customer',
  topic: TOPIC,
  config: customerConfig,
  migrations,
  setup(ctx) {
    customerRoutes(ctx);
    const { config } = ctx;
    const sender = config.NOTIFY_WEBHOOK_URL
      ? webhookSender(config.NOTIFY_WEBHOOK_URL, config.NOTIFY_TIMEOUT_MS)
      : logSender(ctx.log);
    const loop = startSender({
      store: ctx.store,
      sender,
      log: ctx.log,
      pollMs: config.NOTIFY_POLL_MS,
      idlePollMs: config.NOTIFY_IDLE_POLL_MS,
      firstRetryMs: config.NOTIFY_FIRST_RETRY_MS,
      maxRetryMs: config.NOTIFY_MAX_RETRY_MS,
      leaseMs: config.NOTIFY_LEASE_MS,
    });
    ctx.onClose({ name: 'notification sender', close: () => loop.close() });
    ctx.policies(tellCustomerPolicies(() => loop.wake()));
  },
};
