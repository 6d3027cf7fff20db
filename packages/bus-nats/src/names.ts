/**
 * Names on the NATS side. Topics, groups and member ids become subject tokens, stream names,
 * durable consumer names and KV keys, each with its own alphabet; one escaping serves all:
 * [A-Za-z0-9_-] stay, every other UTF-8 byte becomes `=HH`.
 */
export function token(name: string): string {
  if (name === '') return '=';
  let out = '';
  for (const byte of new TextEncoder().encode(name)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** One stream per topic (`<topic>`), capturing `<topic>.<partition>`. */
export const streamName = (topic: string): string => token(topic);
export const subjectOf = (topic: string, partition: number): string => `${token(topic)}.${partition}`;
export const subjectsOf = (topic: string): string => `${token(topic)}.*`;

/** One durable pull consumer per (group, partition): `<group>-p<partition>`. */
export const durableName = (group: string, partition: number): string => `${token(group)}-p${partition}`;

/** The KV bucket with the groups' member and partition leases. */
export const GROUPS_BUCKET = 'bounded_groups';

/** Keys of one group on one topic: `<topic>.<group>.m.<member>` and `<topic>.<group>.p.<partition>`. */
export const groupPrefix = (topic: string, group: string): string => `${token(topic)}.${token(group)}`;
export const memberKey = (prefix: string, memberId: string): string => `${prefix}.m.${token(memberId)}`;
export const leaseKey = (prefix: string, partition: number): string => `${prefix}.p.${partition}`;

/** The partition a subject `<topic>.<partition>` belongs to, or -1. */
export function partitionOfSubject(subject: string): number {
  const last = subject.slice(subject.lastIndexOf('.') + 1);
  return /^\d+$/.test(last) ? Number(last) : -1;
}

/**
 * The core-NATS subject a live member answers on (request-reply, no JetStream): the server drops
 * the subscription with the member's connection, so a killed process answers "no responders" at
 * once, long before its keys expire.
 */
export const aliveSubject = (memberId: string): string => `_bounded.alive.${token(memberId)}`;
