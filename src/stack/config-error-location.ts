// Compose's config errors often quote only a value ("Invalid containerPort: xyz"), not where it stands.
// The value is looked up in the compose files themselves, so the error names the file, service and field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { yaml } from '../util/yaml.ts';

/** Where a value Compose complained about stands: `compose.yml: service web, ports[0] "abc:xyz"`. */
export interface ConfigLocation {
  file: string;
  service: string;
  field: string;
  value: string;
}

/**
 * The values a Compose message quotes: what follows its last `: ` and anything in quotes. Compose's own
 * wording varies by version; the value it rejected is what stays.
 */
export function quotedValues(message: string): string[] {
  const values = new Set<string>();
  for (const match of message.matchAll(/"([^"]+)"|'([^']+)'/g)) values.add((match[1] ?? match[2])!);
  const tail = /:\s*([^\s:"']+)\s*$/.exec(message)?.[1];
  if (tail) values.add(tail);
  return [...values].filter((value) => value.length > 0 && value.length <= 200);
}

/** Whether `scalar` is `value`, or holds it as a part between separators (a port spec `abc:xyz` holds `xyz`). */
function holds(scalar: string, value: string): boolean {
  if (scalar === value) return true;
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(scalar);
}

/** Every place in the services of `files` whose scalar value holds one of `values`. */
export function locateValues(files: readonly string[], values: readonly string[]): ConfigLocation[] {
  const found: ConfigLocation[] = [];
  for (const file of files) {
    let document: unknown;
    try {
      document = yaml().parse(readFileSync(file, 'utf8'));
    } catch {
      continue; // a file Compose could not read either: its own message says so
    }
    const services = (document as { services?: unknown } | null)?.services;
    if (!services || typeof services !== 'object') continue;
    for (const [service, spec] of Object.entries(services)) {
      walk(spec, '', (field, scalar) => {
        if (values.some((value) => holds(scalar, value))) found.push({ file, service, field, value: scalar });
      });
    }
  }
  return found;
}

function walk(node: unknown, field: string, visit: (field: string, scalar: string) => void): void {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) walk(item, `${field}[${index}]`, visit);
  } else if (node && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) walk(value, field ? `${field}.${key}` : key, visit);
  else if (typeof node === 'string' || typeof node === 'number') visit(field, String(node));
}

/**
 * Where `message` points: the places of the values it quotes, narrowed to the fields it names when it
 * names one ("Invalid containerPort: xyz" names ports, so an image `…-xyz:1` is not a suspect).
 */
export function locateComplaint(files: readonly string[], message: string): ConfigLocation[] {
  const places = locateValues(files, quotedValues(message));
  const lower = message.toLowerCase();
  const named = places.filter((place) => {
    const key = place.field.split(/[.[]/)[0]!.toLowerCase();
    return lower.includes(key.replace(/s$/, ''));
  });
  return named.length > 0 ? named : places;
}

/** `service web, ports[0] "abc:xyz" in compose.yml`, one per place, relative to the working directory. */
export function describeLocations(locations: readonly ConfigLocation[]): string {
  return locations
    .map(
      (where) =>
        `service ${where.service}, ${where.field} ${JSON.stringify(where.value)} in ${path.relative(process.cwd(), where.file) || where.file}`,
    )
    .join('; ');
}
