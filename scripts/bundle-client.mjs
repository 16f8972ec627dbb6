// Builds the <script> bundle of roomcast/client: dist/roomcast-client.min.js, an IIFE that defines the global
// `roomcast` (RohrpostClient, TemplarClient, …). `npm run build` runs it after tsc; the browser test calls
// bundleClient() to test the current source.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Bundles; with `write: false`, returns the code instead of writing it. */
export async function bundleClient({ write = true } = {}) {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/client/index.ts'],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'roomcast',
    platform: 'browser',
    // Private class fields run natively from Chrome 84, Firefox 90 and Safari 15.
    target: ['chrome84', 'firefox90', 'safari15'],
    sourcemap: write ? 'linked' : false,
    outfile: 'dist/roomcast-client.min.js',
    write,
    logLevel: 'warning',
  });
  return write ? undefined : result.outputFiles[0].text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleClient();
