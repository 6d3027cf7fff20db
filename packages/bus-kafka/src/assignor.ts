/**
 * Cooperative, sticky partition assignment for the classic group protocol (the idea of
 * Kafka's CooperativeStickyAssignor, KIP-429), run by the group leader.
 *
 * Every member says in its JoinGroup metadata which partitions it still holds ("claims") and in
 * which generation it got them. The leader computes a balanced target that keeps partitions
 * where they are as far as the balance allows, but never hands a partition to a new member
 * while another member still claims it: that partition stays unassigned for one generation.
 * Its old owner sees it missing from its assignment, finishes the event in flight, commits,
 * drops the claim and rejoins; the next generation gives it to the new owner, which resumes
 * from that commit. So a partition is never handled by two members at once, and a handover
 * re-delivers nothing that was handled.
 */

/** What a member reports about itself in its JoinGroup metadata (user data). */
export interface Claims {
  /** Generation in which the member last got an assignment (-1: none yet). */
  readonly generation: number;
  /** topic → partitions the member holds (handling or committing) right now. */
  readonly owned: ReadonlyMap<string, readonly number[]>;
}

export function encodeClaims(claims: Claims): Buffer {
  const json = {
    g: claims.generation,
    o: Object.fromEntries([...claims.owned].filter(([, partitions]) => partitions.length > 0)),
  };
  return Buffer.from(JSON.stringify(json), 'utf8');
}

export function decodeClaims(data: Buffer | null | undefined): Claims {
  if (!data || data.length === 0) return { generation: -1, owned: new Map() };
  try {
    const json = JSON.parse(data.toString('utf8')) as { g?: unknown; o?: Record<string, unknown> };
    const owned = new Map<string, number[]>();
    for (const [topic, partitions] of Object.entries(json.o ?? {})) {
      if (Array.isArray(partitions))
        owned.set(
          topic,
          partitions.filter((p) => Number.isInteger(p)),
        );
    }
    return { generation: typeof json.g === 'number' ? json.g : -1, owned };
  } catch {
    // Another client's user data: it claims nothing we can read.
    return { generation: -1, owned: new Map() };
  }
}

export interface MemberSubscription {
  readonly memberId: string;
  readonly topics: readonly string[];
  readonly claims: Claims;
}

/**
 * memberId → topic → partitions, for the members subscribing to each topic.
 * `partitionCounts` gives each topic's partition count (topics missing from it are skipped).
 */
export function assignCooperative(
  members: readonly MemberSubscription[],
  partitionCounts: ReadonlyMap<string, number>,
): Map<string, Map<string, number[]>> {
  const result = new Map<string, Map<string, number[]>>();
  for (const member of members) result.set(member.memberId, new Map());
  const topics = new Set(members.flatMap((member) => member.topics));
  for (const topic of [...topics].sort()) {
    const count = partitionCounts.get(topic);
    if (count === undefined) continue;
    const subscribers = members.filter((member) => member.topics.includes(topic));
    for (const [memberId, partitions] of assignTopic(subscribers, topic, count)) {
      result.get(memberId)!.set(topic, partitions);
    }
  }
  return result;
}

function assignTopic(
  subscribers: readonly MemberSubscription[],
  topic: string,
  count: number,
): Map<string, number[]> {
  const ids = subscribers.map((member) => member.memberId).sort();
  // The current owner of each partition: the claim of the newest generation wins (a member
  // that was evicted and rejoined may still claim what another member has since been given).
  const owner = new Map<number, { memberId: string; generation: number }>();
  for (const member of subscribers) {
    for (const partition of member.claims.owned.get(topic) ?? []) {
      if (partition < 0 || partition >= count) continue;
      const current = owner.get(partition);
      if (
        !current ||
        member.claims.generation > current.generation ||
        (member.claims.generation === current.generation && member.memberId < current.memberId)
      ) {
        owner.set(partition, { memberId: member.memberId, generation: member.claims.generation });
      }
    }
  }
  const held = new Map<string, number[]>(ids.map((id) => [id, []]));
  for (let partition = 0; partition < count; partition++) {
    const current = owner.get(partition);
    if (current) held.get(current.memberId)!.push(partition);
  }
  // Balanced quotas: `base` each, one more for `extra` members, preferring those that hold
  // more already (fewer moves), then by id (deterministic).
  const base = Math.floor(count / ids.length);
  const extra = count % ids.length;
  const byHolding = [...ids].sort((a, b) => held.get(b)!.length - held.get(a)!.length || a.localeCompare(b));
  const quota = new Map(byHolding.map((id, index) => [id, base + (index < extra ? 1 : 0)]));
  // Keep what each member holds up to its quota; the rest and the unheld go to a pool.
  const target = new Map<string, number[]>(ids.map((id) => [id, []]));
  const pool: number[] = [];
  for (const id of ids) {
    const partitions = held.get(id)!;
    target.get(id)!.push(...partitions.slice(0, quota.get(id)));
    pool.push(...partitions.slice(quota.get(id)));
  }
  for (let partition = 0; partition < count; partition++) if (!owner.has(partition)) pool.push(partition);
  pool.sort((a, b) => a - b);
  for (const partition of pool) {
    const id = ids
      .filter((candidate) => target.get(candidate)!.length < quota.get(candidate)!)
      .sort((a, b) => target.get(a)!.length - target.get(b)!.length || a.localeCompare(b))[0];
    target.get(id)!.push(partition);
  }
  // Withhold a partition that moves while its previous owner still claims it.
  const assignment = new Map<string, number[]>();
  for (const id of ids) {
    const partitions = target
      .get(id)!
      .filter((partition) => {
        const current = owner.get(partition);
        return !current || current.memberId === id;
      })
      .sort((a, b) => a - b);
    assignment.set(id, partitions);
  }
  return assignment;
}
