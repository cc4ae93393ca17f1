// Bundles every shop service into one ESM file, dist/shop.mjs, so the images
// need no npm install: they copy this file onto a bare Node runtime.
// Run from anywhere: `node compose/shop/services/build.mjs`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Fixes to dependencies, applied to the bundled copy only. Each names the exact text it
 * replaces and the build fails if that text is gone (a new version: check whether the fix
 * is still needed), so nothing is patched by accident.
 */
const fixes = [
  {
    // kafkajs 2.2.4 (the latest release): once a request had to wait in a connection's queue,
    // the queue re-checks itself every millisecond forever, even when empty (a negative
    // setTimeout delay is 1 ms): ~1000 wake-ups per second per connection, ~2.5 % of a core
    // per idle service. Nothing pending means nothing to check: push() schedules a check when
    // a request has to wait again, and every answered request checks the queue.
    file: /kafkajs[\\/]src[\\/]network[\\/]requestQueue[\\/]index\.js$/,
    find: '    let scheduleAt = this.throttledUntil - Date.now()\n    if (!this.throttleCheckTimeoutId) {',
    replace:
      '    let scheduleAt = this.throttledUntil - Date.now()\n    if (this.pending.length === 0) return\n    if (!this.throttleCheckTimeoutId) {',
  },
];

const patchDependencies = {
  name: 'patch-dependencies',
  setup(b) {
    for (const fix of fixes) {
      b.onLoad({ filter: fix.file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(fix.find)) throw new Error(`${args.path}: the text to fix is not there any more`);
        return { contents: source.replace(fix.find, fix.replace), loader: 'js' };
      });
    }
  },
};

await build({
  entryPoints: [here('./src/main.ts')],
  outfile: here('./dist/shop.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // pg's optional native binding is never used.
  external: ['pg-native'],
  // The bundled dependencies are CommonJS and call require() for Node
  // built-ins, which an ES module does not provide by itself.
  banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [patchDependencies],
});
console.log(`built ${here('./dist/shop.mjs')}`);
