// What `x-journeys.egress: none` adds to a stack, through one more `-f` file the runner writes: a
// network of its own with a fixed subnet, the guard on it at a fixed address, and every service
// attached to it with the guard as its DNS server. The user's files stay untouched.
import { GUARD_HTTP_PORT, GUARD_SCRIPT, GUARD_SERVICE } from './guard-script.ts';

export const GUARD_NETWORK = 'journeys-egress';

export interface EgressOverrideInput {
  /** The stack's services as Compose resolved them (only `network_mode` is looked at). */
  services: Readonly<Record<string, object>>;
  /** A /24 no network of the engine uses, e.g. `198.18.7.0/24`. */
  subnet: string;
  /** An image with Node (`node` on its PATH). */
  image: string;
  /** Our labels, for the guard, its network: what clean-up finds them by. */
  labels: Record<string, string>;
}

/** The guard's address: the first after the gateway, below the range the services' addresses come from. */
export function guardAddress(subnet: string): string {
  return `${subnet.split('/')[0]!.split('.').slice(0, 3).join('.')}.2`;
}

/** Where the engine picks the services' addresses: the upper half, so none takes the guard's while it starts. */
export function dynamicRange(subnet: string): string {
  return `${subnet.split('/')[0]!.split('.').slice(0, 3).join('.')}.128/25`;
}

export function egressOverride(input: EgressOverrideInput): Record<string, unknown> {
  const address = guardAddress(input.subnet);
  const services: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(input.services)) {
    // A service in another's network namespace (or the host's) has no DNS or networks of its own to set.
    const spec = service as { network_mode?: unknown; networks?: Record<string, unknown> };
    if (spec.network_mode !== undefined) continue;
    // Its own networks named again, or the guard's would be its only one (a service without `networks:`
    // is on `default` only as long as no file gives it any).
    const own = Object.keys(spec.networks ?? { default: null });
    services[name] = {
      dns: [address],
      networks: { ...Object.fromEntries(own.map((network) => [network, {}])), [GUARD_NETWORK]: {} },
    };
  }
  services[GUARD_SERVICE] = {
    image: input.image,
    command: ['node', '-e', GUARD_SCRIPT],
    labels: input.labels,
    ports: [`127.0.0.1::${GUARD_HTTP_PORT}`],
    networks: { [GUARD_NETWORK]: { ipv4_address: address } },
    stop_grace_period: '1s',
  };
  return {
    services,
    networks: {
      [GUARD_NETWORK]: {
        labels: input.labels,
        ipam: { config: [{ subnet: input.subnet, ip_range: dynamicRange(input.subnet) }] },
      },
    },
  };
}
