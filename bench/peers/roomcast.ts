/**
 * roomcast as shipped: the templar dialect, the bootstrap proxy to the stub backend, the HTTP trigger.
 */
import { createServer } from '../../src/server.js';
import { BOOTSTRAP_URL, gc, ready } from './common.js';

const server = createServer({
  port: 0,
  bootstrap: { apiUrl: BOOTSTRAP_URL.replace(/bootstrap\/$/, '') },
  trigger: { allowLoopback: true },
  routes: (app) => {
    app.post('/gc', async () => gc());
  },
});
const { port } = await server.listen();
ready(port);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
