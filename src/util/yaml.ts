// The YAML parser on first use: Compose resolves the compose files, so most commands never parse
// YAML themselves, and loading the parser costs about 20 ms of a CLI command's start.
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');
let loaded: Yaml | undefined;

export const yaml = (): Yaml => (loaded ??= createRequire(import.meta.url)('yaml') as Yaml);
