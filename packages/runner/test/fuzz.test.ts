// The fuzz tier's own check: schemathesis run by `fuzz()` finds a handler that fails on an input
// at the edge of its schema (a 500), and finds nothing in the same service without the bug.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '@bounded/kernel';
import { tempDir } from '@bounded/service-kit/testing';
import { Type } from '@sinclair/typebox';
import { fuzz } from '../src/fuzz.ts';

const root = join(import.meta.dirname, '..', '..', '..');

/** A widget service whose place command breaks on the largest quantity it accepts, when told to. */
async function widgets(buggy: boolean) {
  const app = buildApp({ name: 'widgets', logger: false });
  const Widget = Type.Object({ id: Type.Integer(), qty: Type.Integer() });
  app.post(
    '/widgets',
    {
      schema: {
        body: Type.Object({ qty: Type.Integer({ minimum: 1, maximum: 100 }) }),
        response: { 201: Widget },
      },
    },
    async (request, reply) => {
      const { qty } = request.body as { qty: number };
      if (buggy && qty === 100) throw new Error('the seeded bug: a full box overflows');
      return reply.code(201).send({ id: 1, qty });
    },
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

describe('the fuzz tier (schemathesis)', () => {
  before(() => execFileSync('bash', [join(root, 'scripts', 'fuzz-tools.sh')], { stdio: 'inherit' }));
  const budget = { maxExamples: 10, seed: 7, reportDir: tempDir('bounded-fuzz-') };
  let buggy: Awaited<ReturnType<typeof widgets>>;
  let sound: Awaited<ReturnType<typeof widgets>>;
  before(async () => {
    buggy = await widgets(true);
    sound = await widgets(false);
  });
  after(async () => {
    await buggy.close();
    await sound.close();
  });

  it('catches a handler that answers 500 at the edge of its input', { timeout: 180_000 }, async () => {
    const outcome = await fuzz(
      { name: 'buggy', schemaUrl: `${buggy.url}/openapi.json`, headers: {} },
      budget,
    );
    const codes = outcome.failures.map((f) => f.code);
    assert.ok(codes.includes('ST101'), `a server error found: ${JSON.stringify(outcome.failures)}`);
    assert.match(outcome.output, /qty.*100|100.*qty/s, 'the failing input is shown to reproduce it');
  });

  it('finds nothing in the same service without the bug', { timeout: 180_000 }, async () => {
    const outcome = await fuzz(
      { name: 'sound', schemaUrl: `${sound.url}/openapi.json`, headers: {} },
      budget,
    );
    assert.ok(outcome.cases > 10, `cases were generated (${outcome.cases})`);
    assert.deepEqual(outcome.failures, [], outcome.output);
    assert.equal(outcome.errors, 0, outcome.output);
  });
});
