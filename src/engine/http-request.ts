// `node:http`'s request, loaded through require: importing the module as ESM builds a facade of
// every export, and Node 24 loads its lazy ones with it (fetch's undici): 20-50 ms on every CLI
// command, for the one function the engine's socket needs.
import { createRequire } from 'node:module';

export const { request } = createRequire(import.meta.url)('node:http') as typeof import('node:http');
