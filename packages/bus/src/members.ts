import type { Subscription } from './port.ts';

/** What an engine runs per subscription: a member of a consumer group. */
export interface Member {
  assigned(): readonly number[];
  stop(): Promise<void>;
}

/** The members an engine has running: each one's Subscription, and stopping them all on close. */
export class Members {
  readonly #running = new Set<Member>();

  /** Tracks a started member; its Subscription's close() stops it and forgets it. */
  add(member: Member): Subscription {
    this.#running.add(member);
    return {
      assigned: () => member.assigned(),
      close: async () => {
        this.#running.delete(member);
        await member.stop();
      },
    };
  }

  async stopAll(): Promise<void> {
    const running = [...this.#running];
    this.#running.clear();
    await Promise.all(running.map((member) => member.stop()));
  }
}
