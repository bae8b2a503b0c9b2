import type { ServerEvent } from '../protocol/response-types';

/** The event types of REGISTER (specification §4.1.8). */
export type EventType = ServerEvent['type'];

/** Something that receives pushed events: a CqlConnection after REGISTER. */
export interface EventSubscriber {
  /** Writes the event to the client (stream −1). Must not throw. */
  deliverEvent(event: ServerEvent): void;
}

/**
 * The shard's registry of connections that REGISTERed for events. The query processor
 * (schema changes) and the cluster layer (topology, status) `publish`; every connection
 * subscribed to the event's type receives it, on this shard's thread.
 *
 * One per shard, created by the composition root; a node-wide event is published on every
 * shard (each shard serves its own connections). The subscriber sets are bounded by the
 * shard's connections; a connection unsubscribes when it closes.
 */
export class EventBus {
  private readonly byType = new Map<EventType, Set<EventSubscriber>>([
    ['TOPOLOGY_CHANGE', new Set()],
    ['STATUS_CHANGE', new Set()],
    ['SCHEMA_CHANGE', new Set()],
  ]);

  /**
   * Adds `subscriber` to each of `types` (already validated by the request decoder;
   * unknown names are ignored). Registering twice for a type is harmless.
   */
  subscribe(subscriber: EventSubscriber, types: readonly string[]): void {
    for (const type of types) this.byType.get(type as EventType)?.add(subscriber);
  }

  /** Removes `subscriber` from every type (on connection close). */
  unsubscribe(subscriber: EventSubscriber): void {
    for (const set of this.byType.values()) set.delete(subscriber);
  }

  /** Delivers `event` to the subscribers of its type; returns how many received it. */
  publish(event: ServerEvent): number {
    const set = this.byType.get(event.type);
    if (set === undefined) return 0;
    for (const subscriber of set) subscriber.deliverEvent(event);
    return set.size;
  }

  /** Subscribers of `type` now. */
  subscriberCount(type: EventType): number {
    return this.byType.get(type)?.size ?? 0;
  }
}
