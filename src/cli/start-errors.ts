/**
 * Why the server could not listen, in words a user can act on.
 *
 * @module
 */

/**
 * The sentence for a listen error the user can fix (a port in use or reserved, an address not of this machine),
 * naming the port or host and the flag that picks another; `undefined` for any other error.
 */
export function listenProblem(err: unknown, host: string, port: number): string | undefined {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  const other = 'pick another with --port N (or ROOMCAST_PORT=N; --port 0 takes any free port)';
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (another roomcast, or another server): stop that one, or ${other}`;
    case 'EACCES':
      return `not allowed to listen on port ${port} on ${host}${port < 1024 ? ' (ports below 1024 need privileges)' : ''}: ${other}`;
    case 'EADDRNOTAVAIL':
      return `${host} is not an address of this machine: pick another with --host ADDR (or ROOMCAST_HOST; 127.0.0.1 for this machine only, 0.0.0.0 for all interfaces)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `--host ${host} is not a name this machine can resolve: give an address, e.g. --host 127.0.0.1`;
    default:
      return undefined;
  }
}
