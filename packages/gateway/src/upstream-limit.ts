/**
 * A bound on the requests the gateway has in progress to each service. Past its pool's
 * connections a request waits in the pool's queue, which has no bound of its own; and one slow
 * service would otherwise fill every place the gateway's own bound (MAX_IN_FLIGHT) allows, so
 * that calls to the healthy services were refused too. The ceiling grows with the ready replicas.
 *
 * Under the ceiling the bound adapts (additive increase, multiplicative decrease, as TCP and
 * Netflix's concurrency limits do): a service that sheds (answers 503) cuts it, each answer it
 * serves widens it again. So when a service is overloaded the gateway refuses the excess itself,
 * at the cost of one event loop and no hop, instead of passing every request on for the service
 * to refuse — which costs both processes the work and the caller two loops' waits.
 */
import { sendOverloaded } from '@bounded/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface UpstreamLimit {
  /** Runs `forward` if `service` has room, else answers 503 + Retry-After at once. */
  run(
    service: string,
    replicas: number,
    request: FastifyRequest,
    reply: FastifyReply,
    forward: () => Promise<unknown>,
  ): Promise<unknown>;
  /** Requests in progress to `service` now. */
  inFlight(service: string): number;
  /** The bound on `service` now, for `replicas` ready replicas. */
  limit(service: string, replicas: number): number;
}

export interface UpstreamLimitOptions {
  /** The ceiling: requests in progress per ready replica. */
  readonly perReplica: number;
  readonly retryAfterSeconds: number;
  /** The adaptive bound; false = the ceiling only. */
  readonly adaptive?: AdaptiveOptions | false;
}

export interface AdaptiveOptions {
  /** The least it is cut to, per ready replica (default 4): some requests always find out. */
  readonly minPerReplica?: number;
  /** What a cut leaves of the bound (default 0.8). */
  readonly backoff?: number;
  /** At most one cut this often, ms (default 100): a burst of 503s is one signal, as one RTT's losses are to TCP. */
  readonly cutEveryMs?: number;
  /** The clock, ms (tests). */
  readonly now?: () => number;
}

interface ServiceState {
  inFlight: number;
  /** The bound per ready replica: fractional, so that increases of 1/bound add up. */
  perReplica: number;
  cutAt: number;
}

export function createUpstreamLimit(opts: UpstreamLimitOptions): UpstreamLimit {
  const adaptive = opts.adaptive === false ? undefined : (opts.adaptive ?? {});
  const min = Math.min(opts.perReplica, adaptive?.minPerReplica ?? 4);
  const backoff = adaptive?.backoff ?? 0.8;
  const cutEveryMs = adaptive?.cutEveryMs ?? 100;
  const now = adaptive?.now ?? (() => performance.now());
  const states = new Map<string, ServiceState>();
  const stateOf = (service: string): ServiceState => {
    let state = states.get(service);
    if (!state) {
      state = { inFlight: 0, perReplica: opts.perReplica, cutAt: Number.NEGATIVE_INFINITY };
      states.set(service, state);
    }
    return state;
  };
  const limitOf = (state: ServiceState, replicas: number) =>
    Math.max(1, Math.floor(state.perReplica * Math.max(1, replicas)));

  /** What the service's answer says about its room: a 503 is it shedding, any other answer room. */
  function learn(state: ServiceState, status: number): void {
    if (!adaptive) return;
    if (status === 503) {
      const t = now();
      if (t - state.cutAt < cutEveryMs) return;
      state.cutAt = t;
      state.perReplica = Math.max(min, state.perReplica * backoff);
    } else if (status < 500) {
      state.perReplica = Math.min(opts.perReplica, state.perReplica + 1 / state.perReplica);
    }
  }

  return {
    async run(service, replicas, request, reply, forward) {
      const state = stateOf(service);
      if (state.inFlight >= limitOf(state, replicas)) {
        return sendOverloaded(
          request,
          reply,
          'GATEWAY.UPSTREAM_BUSY',
          `${service} has too many requests in progress; retry after Retry-After seconds`,
          opts.retryAfterSeconds,
        );
      }
      state.inFlight++;
      try {
        const result = await forward();
        learn(state, reply.statusCode);
        return result;
      } finally {
        state.inFlight--;
      }
    },
    inFlight: (service) => states.get(service)?.inFlight ?? 0,
    limit: (service, replicas) => limitOf(stateOf(service), replicas),
  };
}
