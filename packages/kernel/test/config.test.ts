import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { baseConfigSchema, ConfigError, extendConfig, loadConfig } from '../src/index.ts';

describe('loadConfig', () => {
  it('applies defaults and keeps only the schema keys', () => {
    const config = loadConfig(baseConfigSchema, { SERVICE_NAME: 'orders', PATH: '/usr/bin' });
    assert.deepEqual(config, {
      SERVICE_NAME: 'orders',
      HOST: '127.0.0.1',
      PORT: 0,
      LOG_LEVEL: 'info',
      DATA_DIR: './data',
      TEST_HOOKS: false,
    });
  });

  it('coerces env strings to numbers and booleans', () => {
    const schema = extendConfig(
      Type.Object({ OUTBOX_ENABLED: Type.Boolean({ default: false }), RATIO: Type.Number() }),
    );
    const config = loadConfig(schema, {
      SERVICE_NAME: 'orders',
      PORT: '8080',
      OUTBOX_ENABLED: 'true',
      RATIO: '0.5',
    });
    assert.equal(config.PORT, 8080);
    assert.equal(config.OUTBOX_ENABLED, true);
    assert.equal(config.RATIO, 0.5);
    assert.equal(config.HOST, '127.0.0.1', 'base defaults survive extendConfig');
  });

  it('treats an empty value as unset', () => {
    assert.equal(loadConfig(baseConfigSchema, { SERVICE_NAME: 'orders', PORT: '' }).PORT, 0);
  });

  it('names every bad variable and why in one error', () => {
    const schema = extendConfig(Type.Object({ RETRIES: Type.Integer() }));
    const err = (() => {
      try {
        loadConfig(schema, { PORT: 'eighty', LOG_LEVEL: 'loud', RETRIES: '1.5' });
      } catch (e) {
        return e;
      }
      assert.fail('expected a ConfigError');
    })();
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.issues.map((i) => i.variable).sort(), [
      'LOG_LEVEL',
      'PORT',
      'RETRIES',
      'SERVICE_NAME',
    ]);
    assert.match(err.message, /SERVICE_NAME: is required/);
    assert.match(err.message, /PORT: Expected integer/);
    assert.match(err.message, /LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
    assert.match(err.message, /RETRIES: Expected integer/);
  });

  it('rejects a port out of range', () => {
    assert.throws(() => loadConfig(baseConfigSchema, { SERVICE_NAME: 'x', PORT: '70000' }), /PORT: .*65535/);
  });

  it('does not silently truncate or invent numbers', () => {
    const schema = extendConfig(Type.Object({ RETRIES: Type.Integer(), RATIO: Type.Number() }));
    assert.throws(
      () => loadConfig(schema, { SERVICE_NAME: 'x', RETRIES: '1.5', RATIO: 'true', PORT: 'true' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues
          .map((i) => i.variable)
          .sort()
          .join() === 'PORT,RATIO,RETRIES',
    );
  });
});
