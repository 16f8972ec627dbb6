/**
 * One connection's binding subscriptions: to a whole stream (hub group `b:<stream>`) or to one object
 * (`b:<stream>#<key>`). A change is published to both groups, so a connection subscribed to a stream and to one of
 * its objects would get each change of that object twice; while the stream subscription covers an object, the
 * object's own membership is left (and taken up again when the stream is unsubscribed). Exactly one frame per
 * change, whatever the client subscribed to.
 *
 * @module
 */
import type { Membership } from '../../core/connection.js';
import { bindingGroup } from '../../models/changes.js';
import type { Session } from '../dialect.js';

interface ObjectSubscription {
  readonly stream: string;
  /** Absent while the stream's subscription covers the object. */
  membership: Membership | undefined;
}

/** Subscriptions of one connection. */
export class Subscriptions {
  readonly #session: Session;
  readonly #streams = new Map<string, Membership>();
  readonly #objects = new Map<string, ObjectSubscription>();

  constructor(session: Session) {
    this.#session = session;
  }

  /** Streams and objects subscribed. */
  get size(): number {
    return this.#streams.size + this.#objects.size;
  }

  /** Whether this stream, or this object of it, is subscribed. */
  has(stream: string, key?: string | number): boolean {
    return key === undefined ? this.#streams.has(stream) : this.#objects.has(bindingGroup(stream, key));
  }

  /** Subscribes (idempotent). */
  subscribe(stream: string, key?: string | number): void {
    if (key === undefined) {
      if (this.#streams.has(stream)) return;
      this.#streams.set(stream, this.#session.join(bindingGroup(stream)));
      for (const sub of this.#objects.values()) {
        if (sub.stream !== stream || sub.membership === undefined) continue;
        this.#session.leave(sub.membership);
        sub.membership = undefined;
      }
      return;
    }
    const group = bindingGroup(stream, key);
    if (this.#objects.has(group)) return;
    this.#objects.set(group, { stream, membership: this.#streams.has(stream) ? undefined : this.#session.join(group) });
  }

  /** Unsubscribes (idempotent): no more changes of the stream, or of the object. */
  unsubscribe(stream: string, key?: string | number): void {
    if (key === undefined) {
      const membership = this.#streams.get(stream);
      if (membership === undefined) return;
      this.#session.leave(membership);
      this.#streams.delete(stream);
      for (const [group, sub] of this.#objects) if (sub.stream === stream) sub.membership = this.#session.join(group);
      return;
    }
    const group = bindingGroup(stream, key);
    const sub = this.#objects.get(group);
    if (sub === undefined) return;
    if (sub.membership !== undefined) this.#session.leave(sub.membership);
    this.#objects.delete(group);
  }

  /** Forgets everything (the connection closed; its memberships are already gone). */
  clear(): void {
    this.#streams.clear();
    this.#objects.clear();
  }
}
