/**
 * Connection addresses: `<node id>/<connection id>`, a connection named together with the node that holds it, so
 * app code on any node can send to it (rohrpost's `ctx.connectionId`, `server.sendMessage`). Built when asked for,
 * never stored: an idle connection carries no extra string.
 *
 * @example
 * connectionAddress('node-a', '3b241101-e2bb-4255-8caf-4136c566a962'); // 'node-a/3b241101-e2bb-4255-8caf-4136c566a962'
 * parseAddress('node-a/3b241101-e2bb-4255-8caf-4136c566a962'); // { node: 'node-a', connection: '3b24…' }
 *
 * @module
 */

/** A connection on a node. */
export interface ConnectionAddress {
  readonly node: string;
  readonly connection: string;
}

/** The address of connection `connection` on node `node`. */
export function connectionAddress(node: string, connection: string): string {
  return `${node}/${connection}`;
}

/**
 * Splits an address at its last `/` (connection ids never contain one; a node id chosen by the app might).
 * @throws TypeError when `address` is not a string or either part is empty
 */
export function parseAddress(address: unknown): ConnectionAddress {
  if (typeof address !== 'string') throw new TypeError(`not a connection address: ${String(address)}`);
  const slash = address.lastIndexOf('/');
  if (slash <= 0 || slash === address.length - 1) {
    throw new TypeError(`not a connection address (expected "<node>/<connection>"): ${JSON.stringify(address)}`);
  }
  return { node: address.slice(0, slash), connection: address.slice(slash + 1) };
}
