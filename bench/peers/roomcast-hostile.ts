/**
 * roomcast for the hostile-input scenario: a default server (limits, rate limit and queue as shipped) serving all
 * three dialects, with one model (`bench.Note`, SQLite in memory) so that the binding dialect runs its actions. Every
 * connection is a user allowed the rooms `{"location":"*"}` and `{"type":"note","id":"*"}`.
 */
import { createServer } from '../../src/server.js';
import { createModels, openStore } from '../../src/models/index.js';
import { createRoomMatcher } from '../../src/rooms/matcher.js';
import { roomOf, type Room } from '../../src/rooms/room.js';
import { gc, ready } from './common.js';

const store = await openStore('sqlite::memory:');
const models = createModels(store);
const notes = models.define({ name: 'bench.Note', table: 'bench_note', fields: { id: 'key', text: 'text', n: 'integer', items: 'json' } });
await models.migrate();
for (let i = 1; i <= 20; i++) await notes.create({ text: `note ${i}`, n: i });

const rooms = createRoomMatcher([{ location: '*' }, { type: 'note', id: '*' }].map((r) => roomOf(r) as Room));
const server = createServer({
  port: 0,
  models,
  auth: async () => ({ kind: 'allowed', identity: { user: { id: 1 }, rooms } }),
  routes: (app) => {
    app.post('/gc', async () => gc());
  },
});
const { port } = await server.listen();
ready(port);
process.on('SIGTERM', () => void server.close().then(() => store.close()).then(() => process.exit(0)));
