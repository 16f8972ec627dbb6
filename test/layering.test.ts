/**
 * The import rules of STYLE.md, checked: wire/ imports nothing of ours and no node: module; client/ only wire/;
 * only transport/, rest/ (the REST routes), the server entry (server.ts, its server/ parts, options.ts), cli/ and
 * demo/ know node:http, ws and fastify; dialects/ never reach core's hub or a socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = new URL('../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] as string);
}

const NETWORK = ['node:http', 'node:https', 'node:net', 'ws', 'fastify'];
const rules: [string, (spec: string, file: string) => string | undefined][] = [
  ['wire/', (s) => (s.startsWith('.') && !s.startsWith('./') ? 'wire/ imports only wire/' : s.startsWith('node:') ? 'wire/ is pure: no node: modules' : undefined)],
  ['client/', (s) => (s.startsWith('node:') ? 'client/ never imports node:' : s.startsWith('.') && !s.startsWith('../wire/') && !s.startsWith('./') ? 'client/ imports only wire/' : !s.startsWith('.') ? 'client/ imports no packages' : undefined)],
  ['dialects/', (s) => (/core\/hub|core\/socket|transport\//.test(s) ? 'dialects/ talk to a Session, never the hub or a socket' : undefined)],
  ['rooms/', (s) => (s.startsWith('.') && !/^\.\.\/wire\/|^\.\//.test(s) ? 'rooms/ imports only wire/' : undefined)],
];

test('layering rules hold for every file in src/', () => {
  const broken: string[] = [];
  for (const file of files(SRC)) {
    const rel = relative(SRC, file);
    for (const spec of imports(file)) {
      for (const [prefix, rule] of rules) {
        if (!rel.startsWith(prefix)) continue;
        const problem = rule(spec, rel);
        if (problem !== undefined) broken.push(`${rel} imports ${spec}: ${problem}`);
      }
      const networkAllowed = /^(transport\/|rest\/|server\.ts|server\/|options\.ts|cli\/|demo\/)/.test(rel);
      if (!networkAllowed && NETWORK.includes(spec)) broken.push(`${rel} imports ${spec}: only transport/, rest/, server.ts, server/, cli/ and demo/ may`);
    }
  }
  assert.deepEqual(broken, []);
});
