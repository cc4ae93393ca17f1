// One JSON object per line on stdout, each with the trace id of the work it belongs to (OpenTelemetry's
// active span), so `docker compose logs` can be filtered by trace across every service of a journey.
import { trace } from '@opentelemetry/api';

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type Level = keyof typeof levels;
export type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

export function createLogger(service: string, minLevel: Level = 'info', base: Fields = {}): Logger {
  const write = (level: Level, msg: string, fields: Fields = {}) => {
    if (levels[level] < levels[minLevel]) return;
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    const line = {
      time: new Date().toISOString(),
      level,
      service,
      msg,
      ...(traceId && { trace_id: traceId }),
      ...base,
      ...serializeErrors(fields),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger(service, minLevel, { ...base, ...fields }),
  };
}

// Error objects stringify to {}; keep what helps debugging a failed journey.
function serializeErrors(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}
