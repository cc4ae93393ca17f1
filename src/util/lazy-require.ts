// The broker and database clients (pg, kafkajs, amqplib) load on first use, not when a journey file
// is imported: the runner imports every journey to list its tests and needs none of them, and a
// worker whose journeys tap no broker never loads that client. All three are CommonJS, so a
// synchronous `require` serves them where an `import()` would make every caller async.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `load()` requires `name` the first time it is called; the module's types come from `import type`. */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}
