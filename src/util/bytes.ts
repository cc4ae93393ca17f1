// Sizes as people and Compose write them, and as our reports print them.

// `k`, `m`, `g` alone are binary, as Compose and `docker run --memory` read them; `MB` is decimal, `MiB` binary.
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1e3,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1e12,
  tib: 1024 ** 4,
};

/** `12.5MiB`, `1.2GB`, `300 MB`, `512m`: bytes. Undefined when it is not a size. */
export function parseBytes(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  return match && factor ? Math.round(Number(match[1]) * factor) : undefined;
}

/** `912 MB`, `1.4 GB`: how the report writes a size (decimal units, as budgets are written). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(bytes >= 1e8 ? 0 : 1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}
