// Bundles the identity provider (oidc-provider and what it needs) into dist/idp.mjs, so its image needs
// no npm install: it copies that one file onto a bare Node runtime.
// Run from anywhere: `node compose/idp/build.mjs`.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
await build({
  entryPoints: [here('./src/main.ts')],
  outfile: here('./dist/idp.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // Bundled CommonJS dependencies call require() for Node built-ins, which an ES module lacks.
  banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`built ${here('./dist/idp.mjs')}`);
