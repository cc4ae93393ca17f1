// kafkajs 2.2.4 (its latest release) hands setTimeout a negative delay from its request queue
// (tulios/kafkajs#1751, fixed upstream but never released): harmless, and clamped to 1 ms, but on
// Node 24 and later every worker that taps Kafka prints a `TimeoutNegativeWarning` into the user's
// run. Only that warning, from that file, is dropped; every other warning is emitted as before.
const KAFKAJS_REQUEST_QUEUE = /kafkajs[\\/]src[\\/]network[\\/]requestQueue[\\/]/;

let installed = false;

export function dropKafkajsTimeoutWarning(): void {
  if (installed) return;
  installed = true;
  const emit = process.emitWarning;
  process.emitWarning = function emitWarning(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const options = rest[0];
    const type =
      typeof options === 'string'
        ? options
        : ((options as { type?: string } | undefined)?.type ?? (warning instanceof Error ? warning.name : undefined));
    if (type === 'TimeoutNegativeWarning' && KAFKAJS_REQUEST_QUEUE.test(new Error().stack ?? '')) return;
    return (emit as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
}
