// A /24 for the guard's network, in 198.18.0.0/15 (reserved for benchmarking networks, RFC 2544: rarely
// routed anywhere), that overlaps no network the engine has.

const RANGE_BASE = (198 << 24) | (18 << 16);
const SLOTS = 1 << 9; // /15 → /24

function toNumber(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function rangeOf(cidr: string): [number, number] | undefined {
  const [address, bits] = cidr.split('/');
  if (!address || !bits || address.includes(':')) return undefined; // IPv6: no overlap possible
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(toNumber(address) / size) * size;
  return [start, start + size - 1];
}

/** A free /24 for the guard; `random` picks among the free ones (tests give their own). */
export function pickGuardSubnet(used: readonly string[], random: () => number = Math.random): string {
  const taken = used.map(rangeOf).filter((range): range is [number, number] => range !== undefined);
  const start = Math.floor(random() * SLOTS);
  for (let n = 0; n < SLOTS; n++) {
    const slot = (start + n) % SLOTS;
    const low = (RANGE_BASE >>> 0) + slot * 256;
    const high = low + 255;
    if (taken.some(([from, to]) => low <= to && from <= high)) continue;
    return `${[low >>> 24, (low >>> 16) & 255, (low >>> 8) & 255, low & 255].join('.')}/24`;
  }
  throw new Error('No free /24 in 198.18.0.0/15 for the egress guard: the engine has networks all over it.');
}
