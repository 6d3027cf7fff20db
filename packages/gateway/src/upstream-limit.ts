/**
 * A bound on the requests the gateway has in progress to each service. Past its pool's
 * connections a request waits in the pool's queue, which has no bound of its own; and one slow
 * service would otherwise fill every place the gateway's own bound (MAX_IN_FLIGHT) allows, so
 * that calls to the healthy services were refused too. The bound grows with the ready replicas.
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
}

export function createUpstreamLimit(opts: { perReplica: number; retryAfterSeconds: number }): UpstreamLimit {
  const counts = new Map<string, number>();
  return {
    async run(service, replicas, request, reply, forward) {
      const now = counts.get(service) ?? 0;
      if (now >= opts.perReplica * Math.max(1, replicas)) {
        return sendOverloaded(
          request,
          reply,
          'GATEWAY.UPSTREAM_BUSY',
          `${service} has too many requests in progress; retry after Retry-After seconds`,
          opts.retryAfterSeconds,
        );
      }
      counts.set(service, now + 1);
      try {
        return await forward();
      } finally {
        counts.set(service, (counts.get(service) ?? 1) - 1);
      }
    },
    inFlight: (service) => counts.get(service) ?? 0,
  };
}
