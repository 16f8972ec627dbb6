/**
 * The one shape every published message takes, whatever its source (HTTP trigger, AMQP, `server.publish`, a
 * model change), on its way from the hub through the layer to every node (DESIGN.md, "One path").
 *
 * @module
 */

/** A message to the members of some groups. */
export interface Envelope {
  /** Target groups, in order. A group listed twice is delivered twice (high-templar semantics, dossier §1.5). */
  readonly groups: readonly string[];
  /** What happened, for dialects that name it (templar always renders `publish`). */
  readonly event: string;
  /** The payload as JSON text, serialized once by the publisher and never re-encoded. */
  readonly data: string;
  /** A connection id to leave out (a client's own echo). */
  readonly exclude?: string;
  /** The node that published it; the layer uses it to avoid delivering twice. */
  readonly origin?: string;
}
