/**
 * The flowerdelivery system tests again, on the production engines (engine tier: the servers
 * come from engines/test.sh). The seeds' polyglot persistence: each service on the database the
 * spec's report gave it a flavour of — payment and delivery on PostgreSQL, the store
 * (ordermanagement) and MyPage on MariaDB, order on SQLite — with the events on Kafka, then on
 * NATS JetStream. Each run has a topic of its own (BUS_TOPIC), so runs never see each other's events.
 */
import { randomBytes } from 'node:crypto';
import { type EngineDialect, freshDatabase } from '@bounded/store/testing';
import { flowerdeliverySystemSuite, type ServiceName } from './system-suite.ts';

const KAFKA_URL = process.env.ENGINE_KAFKA_URL || 'kafka://127.0.0.1:59092';
const NATS_URL = process.env.ENGINE_NATS_URL || 'nats://127.0.0.1:54222';

const DATABASE_OF: Record<ServiceName, EngineDialect | 'sqlite'> = {
  order: 'sqlite',
  payment: 'postgres',
  ordermanagement: 'mysql',
  delivery: 'postgres',
  mypage: 'mysql',
};

function polyglot(busUrl: string) {
  const topic = `flowerdelivery-${randomBytes(4).toString('hex')}`;
  return async (name: ServiceName): Promise<Record<string, string>> => {
    const dialect = DATABASE_OF[name];
    return {
      BUS_URL: busUrl,
      BUS_TOPIC: topic,
      // SQLite services keep the default file under DATA_DIR.
      ...(dialect === 'sqlite' ? {} : { DATABASE_URL: await freshDatabase(dialect) }),
    };
  };
}

flowerdeliverySystemSuite({
  label: 'Kafka; PostgreSQL, MariaDB and SQLite',
  envOf: polyglot(KAFKA_URL),
  eventuallyMs: 30_000,
});

flowerdeliverySystemSuite({
  label: 'NATS JetStream; PostgreSQL, MariaDB and SQLite',
  envOf: polyglot(NATS_URL),
  eventuallyMs: 30_000,
});
