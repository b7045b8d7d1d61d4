import type { EnrichedLogEvent } from '../../schemas/log-schemas.js';

/** One subscriber of the live tail: receives matching events, or a count of events it had to skip. */
export interface TailSubscriber {
  /** True when the event passes this subscriber's filters. */
  matches(event: EnrichedLogEvent): boolean;
  /** Delivers an event; returns false when the client is slow and the event was skipped. */
  deliver(event: EnrichedLogEvent): boolean;
}

/** Fan-out of logs.enriched to SSE subscribers, one Kafka consumer per API instance. */
export interface LiveTail {
  /** Adds a subscriber for `owner`; returns an unsubscribe function, or undefined when `owner` holds the maximum already. */
  subscribe(owner: string, subscriber: TailSubscriber): (() => void) | undefined;
  /** Hands one consumed event to every matching subscriber. */
  publish(event: EnrichedLogEvent): void;
  /** Open subscriptions in total. */
  readonly size: number;
}

/** Returns an in-process fan-out capping each owner at `maxPerOwner` open subscriptions. */
export function createLiveTail(options: { maxPerOwner: number }): LiveTail {
  const subscribers = new Set<TailSubscriber>();
  const perOwner = new Map<string, number>();
  return {
    subscribe(owner, subscriber) {
      const count = perOwner.get(owner) ?? 0;
      if (count >= options.maxPerOwner) return undefined;
      perOwner.set(owner, count + 1);
      subscribers.add(subscriber);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        subscribers.delete(subscriber);
        const left = (perOwner.get(owner) ?? 1) - 1;
        if (left <= 0) perOwner.delete(owner);
        else perOwner.set(owner, left);
      };
    },
    publish(event) {
      for (const subscriber of subscribers) {
        if (subscriber.matches(event)) subscriber.deliver(event);
      }
    },
    get size() {
      return subscribers.size;
    },
  };
}
