// The YAML parser on first use: Compose resolves the compose files, so most commands never parse
// YAML themselves, and loading the parser costs about 20 ms of a CLI command's start.
import { lazyRequire } from './lazy-require.ts';

export const yaml = lazyRequire<typeof import('yaml')>('yaml');
