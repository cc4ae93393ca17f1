// Bundles every shop service into dist/shop.cjs and the OpenTelemetry start into dist/telemetry.cjs, so
// the images need no npm install: they copy dist/ onto a bare Node runtime.
//
// The libraries OpenTelemetry instruments (pg, kafkajs, amqplib) and OpenTelemetry itself stay outside
// the bundle: the instrumentations hook `require()`, which a bundled copy never goes through. They are
// copied, with what they depend on, from this repository's node_modules into dist/node_modules.
// Run from anywhere: `node compose/shop/services/build.mjs`.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const DIST = here('./dist');
const EXTERNAL = [
  'pg',
  'kafkajs',
  'amqplib',
  '@opentelemetry/api',
  '@opentelemetry/sdk-node',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-undici',
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/instrumentation-kafkajs',
  '@opentelemetry/instrumentation-amqplib',
];

/**
 * Fixes to dependencies, applied to the copied file only. Each names the exact text it replaces and the
 * build fails if that text is gone (a new version: check whether the fix is still needed), so nothing is
 * patched by accident.
 */
const fixes = [
  {
    // kafkajs 2.2.4 (the latest release): once a request had to wait in a connection's queue,
    // the queue re-checks itself every millisecond forever, even when empty (a negative
    // setTimeout delay is 1 ms): ~1000 wake-ups per second per connection, ~2.5 % of a core
    // per idle service. Nothing pending means nothing to check: push() schedules a check when
    // a request has to wait again, and every answered request checks the queue.
    file: 'kafkajs/src/network/requestQueue/index.js',
    find: '    let scheduleAt = this.throttledUntil - Date.now()\n    if (!this.throttleCheckTimeoutId) {',
    replace:
      '    let scheduleAt = this.throttledUntil - Date.now()\n    if (this.pending.length === 0) return\n    if (!this.throttleCheckTimeoutId) {',
  },
];

const repoModules = here('../../../node_modules');

/** Where a package resolves from a directory: node_modules up the tree, as Node looks. */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`${name} (needed from ${from}) is not installed: run npm ci`);
  }
}

/** Every package the externals need, by where it sits under node_modules (nesting kept, so resolution is Node's own). */
function closure() {
  const found = new Set();
  const visit = (name, from) => {
    if (name === 'pg-native') return; // pg's optional native binding, never used
    const dir = packageDir(name, from);
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (manifest.peerDependenciesMeta?.[dep]?.optional && !isInstalled(dep, dir)) continue;
      visit(dep, dir);
    }
  };
  for (const name of EXTERNAL) visit(name, dirname(repoModules));
  return [...found];
}

function isInstalled(name, from) {
  try {
    packageDir(name, from);
    return true;
  } catch {
    return false;
  }
}

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  external: [...EXTERNAL, 'pg-native'],
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, entryPoints: [here('./src/main.ts')], outfile: join(DIST, 'shop.cjs') });
await build({ ...common, entryPoints: [here('./src/telemetry.ts')], outfile: join(DIST, 'telemetry.cjs') });

const packages = closure();
for (const dir of packages) {
  const target = join(DIST, 'node_modules', relative(repoModules, dir));
  // Only the package itself: its own node_modules (nested versions) are in the closure when needed.
  cpSync(dir, target, { recursive: true, filter: (source) => !relative(dir, source).startsWith('node_modules') });
}
for (const fix of fixes) {
  const file = join(DIST, 'node_modules', fix.file);
  const source = readFileSync(file, 'utf8');
  if (!source.includes(fix.find)) throw new Error(`${file}: the text to fix is not there any more`);
  writeFileSync(file, source.replace(fix.find, fix.replace));
}
console.log(`built ${DIST}: shop.cjs, telemetry.cjs, ${packages.length} packages`);
