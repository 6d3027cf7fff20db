import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
} from '../src/index.ts';
import { testApp } from './helpers.ts';

function assertSpringShape(body: Record<string, unknown>, status: number, error: string, path: string) {
  assert.equal(body.status, status);
  assert.equal(body.error, error);
  assert.equal(body.path, path);
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.code, 'string');
  assert.ok(!Number.isNaN(Date.parse(body.timestamp as string)), 'timestamp is an ISO date');
}

describe('error handler', () => {
  it('answers an unknown route with a 404 in the error shape', async () => {
    const { app } = testApp();
    const res = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    assert.equal(res.statusCode, 404);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    const body = res.json();
    assertSpringShape(body, 404, 'Not Found', '/nowhere');
    assert.equal(body.code, 'ROUTE.NOT_FOUND');
  });

  it('maps each AppError to its status and code', async () => {
    const { app } = testApp();
    const cases = [
      [new NotFoundError('ORDER.NOT_FOUND', 'Order 7 not found'), 404, 'Not Found'],
      [new ConflictError('ORDER.ALREADY_CANCELLED', 'Order 7 is already cancelled'), 409, 'Conflict'],
      [new ForbiddenError('ORDER.NOT_OWNER', 'Not your order'), 403, 'Forbidden'],
      [new UnauthorizedError('AUTH.TOKEN_MISSING', 'Sign in first'), 401, 'Unauthorized'],
      [
        new BadRequestError('ORDER.BAD_QTY', 'Bad quantity', [{ field: 'qty', message: 'too many' }]),
        400,
        'Bad Request',
      ],
    ] as const;
    cases.forEach(([err], i) => {
      app.get(`/e${i}`, async () => {
        throw err;
      });
    });
    for (const [i, [err, status, reason]] of cases.entries()) {
      const res = await app.inject({ method: 'GET', url: `/e${i}` });
      assert.equal(res.statusCode, status);
      const body = res.json();
      assertSpringShape(body, status, reason, `/e${i}`);
      assert.equal(body.code, err.code);
      assert.equal(body.message, err.message);
    }
    const bad = (await app.inject({ method: 'GET', url: '/e4' })).json();
    assert.deepEqual(bad.fields, [{ field: 'qty', message: 'too many' }]);
  });

  it('gives an UnavailableError a 503 with Retry-After', async () => {
    const { app } = testApp();
    app.get('/pay', async () => {
      throw new UnavailableError('PAYMENT.UNAVAILABLE', 'Payment is down', 7);
    });
    const res = await app.inject({ method: 'GET', url: '/pay' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '7');
    assert.equal(res.json().code, 'PAYMENT.UNAVAILABLE');
  });

  it('accepts a duck-typed foreign error (no kernel dependency) with its status, code and Retry-After', async () => {
    const { app } = testApp();
    class DependencyUnavailableError extends Error {
      readonly status = 503;
      readonly code = 'DEPENDENCY.CIRCUIT_OPEN';
      readonly retryAfterSeconds = 2;
    }
    app.get('/dep', async () => {
      throw new DependencyUnavailableError('payments at http://10.0.0.5:8080 is unavailable');
    });
    const res = await app.inject({ method: 'GET', url: '/dep' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '2');
    const body = res.json();
    assertSpringShape(body, 503, 'Service Unavailable', '/dep');
    assert.equal(body.code, 'DEPENDENCY.CIRCUIT_OPEN');
    assert.doesNotMatch(body.message, /10\.0\.0\.5/, 'a foreign 5xx message may name internal hosts');
  });

  it('accepts a foreign 4xx that uses statusCode, keeping its message', async () => {
    const { app } = testApp();
    app.get('/rejected', async () => {
      throw Object.assign(new Error('Stock too low'), { statusCode: 409, code: 'INVENTORY.INSUFFICIENT' });
    });
    const res = await app.inject({ method: 'GET', url: '/rejected' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'INVENTORY.INSUFFICIENT');
    assert.equal(res.json().message, 'Stock too low');
  });

  it('logs a 503 of each code once a second, saying how many answers of that code the line stands for', async () => {
    let clock = 0;
    const { app, logs } = testApp({ now: () => clock });
    const busy = (code: string) => () => {
      throw new UnavailableError(code, 'busy', 1);
    };
    app.get('/busy', async () => busy('DEPENDENCY.BUSY')());
    app.get('/open', async () => busy('DEPENDENCY.CIRCUIT_OPEN')());
    const ask = async (url: string, times: number) => {
      for (let i = 0; i < times; i++) assert.equal((await app.inject({ url })).statusCode, 503);
    };
    const lines = () =>
      logs.filter((l) => l.msg === 'request failed').map((l) => [(l as { code: string }).code, l.alike]);
    await ask('/busy', 50);
    await ask('/open', 3);
    assert.deepEqual(lines(), [
      ['DEPENDENCY.BUSY', 1],
      ['DEPENDENCY.CIRCUIT_OPEN', 1],
    ]);
    clock += 999;
    await ask('/busy', 1);
    assert.equal(lines().length, 2, 'still the same second');
    clock += 1;
    await ask('/busy', 1);
    assert.deepEqual(lines()[2], ['DEPENDENCY.BUSY', 51], 'itself and the 50 left out');
  });

  it('turns an unknown error into a 500 that hides its message but logs it', async () => {
    const { app, logs } = testApp();
    app.get('/boom', async () => {
      throw new Error('SQLITE_ERROR: no such table: orders_secret');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    assert.equal(res.statusCode, 500);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    const body = res.json();
    assertSpringShape(body, 500, 'Internal Server Error', '/boom');
    assert.equal(body.code, 'INTERNAL');
    assert.doesNotMatch(res.body, /orders_secret|SQLITE/);
    const logged = logs.find((l) => l.msg === 'request failed');
    assert.match(JSON.stringify(logged?.err), /orders_secret/);
  });

  it('does not treat an error with a code but no status (a Node system error) as deliberate', async () => {
    const { app } = testApp();
    app.get('/sys', async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    });
    const res = await app.inject({ method: 'GET', url: '/sys' });
    assert.equal(res.statusCode, 500);
    assert.doesNotMatch(res.body, /5432/);
  });

  it('labels an error as application/json even when the route set HAL', async () => {
    const { app } = testApp();
    app.get('/hal', async (_req, reply) => {
      reply.type('application/hal+json');
      throw new NotFoundError('ORDER.NOT_FOUND', 'nope');
    });
    const res = await app.inject({ method: 'GET', url: '/hal' });
    assert.match(res.headers['content-type'] as string, /^application\/json/);
  });
});
