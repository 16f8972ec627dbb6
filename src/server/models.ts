/**
 * Connects an app's models to a server: committed changes go into the hub (and so to every node), and each
 * recipient of a change must be allowed to read the object (its model's read rule, checked once per identity).
 *
 * @module
 */
import type { Connection } from '../core/connection.js';
import type { Hub } from '../core/hub.js';
import type { Identity } from '../core/identity.js';
import { CHANGE_EVENT, changeOf } from '../models/changes.js';
import { matches } from '../models/filters.js';
import type { Models } from '../models/index.js';
import type { Logger } from '../log.js';

export function attachModels(models: Models, hub: Hub, nodeId: string, logger: Logger): void {
  models.attach({
    nodeId,
    publish: (envelope) => hub.publish(envelope),
    report: (err, change) => logger.error({ err, model: change.model, key: change.key }, 'publishing a model change failed'),
    reportRule: (err, model, rule) =>
      logger.error({ err, model, rule }, rule === 'read' ? 'a read rule threw: the users it threw for may read nothing of the model (logged once)' : 'roomsFor threw: the model adds no rooms for the users it threw for (logged once)'),
  });
  hub.guard(CHANGE_EVENT, (envelope) => {
    const change = changeOf(envelope);
    const def = change === undefined ? undefined : models.get(change.model)?.definition;
    // A model this node does not define: nobody here can be checked, so nobody here receives it.
    if (def === undefined) return () => false;
    const seen = new Map<Identity, boolean>();
    return (conn: Connection) => {
      let allowed = seen.get(conn.identity);
      if (allowed === undefined) {
        try {
          const rule = def.readFilter(conn.identity);
          allowed = rule !== false && change !== undefined && matches(rule, change.row);
        } catch {
          // readFilter already turns a throwing read rule into "reads nothing"; whatever else throws here does too.
          allowed = false;
        }
        seen.set(conn.identity, allowed);
      }
      return allowed;
    };
  });
}
