// Bundles every shop service into one ESM file, dist/shop.mjs, so the images
// need no npm install: they copy this file onto a bare Node runtime.
// Run from anywhere: `node compose/shop/services/build.mjs`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

await build({
  entryPoints: [here("./src/main.ts")],
  outfile: here("./dist/shop.mjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // pg's optional native binding is never used.
  external: ["pg-native"],
  // The bundled dependencies are CommonJS and call require() for Node
  // built-ins, which an ES module does not provide by itself.
  banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built ${here("./dist/shop.mjs")}`);
