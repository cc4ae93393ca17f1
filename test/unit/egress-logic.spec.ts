// The egress guard's pure parts: the override it adds to a stack, the subnet it picks, how attempts
// are named; and its DNS answer, from the script itself run in this process.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { expect, test } from '@playwright/test';
import { describeAttempts, nameAttempts } from '../../src/egress/egress-attempts.ts';
import { egressOverride, GUARD_NETWORK, guardAddress } from '../../src/egress/egress-override.ts';
import { pickGuardSubnet } from '../../src/egress/egress-subnet.ts';
import { GUARD_SCRIPT, GUARD_SERVICE } from '../../src/egress/guard-script.ts';

test('the override: every service on the guard network with the guard as DNS, the guard at a fixed address, labelled', () => {
  const labels = { 'dev.compose-journeys.managed': 'true' };
  const override = egressOverride({
    services: {
      api: { image: 'api:1', networks: { default: null } },
      back: { image: 'back:1', networks: { backend: { aliases: ['db-proxy'] } } },
      sidecar: { network_mode: 'service:api' },
    },
    subnet: '198.18.7.0/24',
    image: 'node:24-alpine',
    labels,
  }) as {
    services: Record<string, Record<string, unknown>>;
    networks: Record<string, unknown>;
  };
  // Their own networks stay theirs (merged with what their files say: aliases kept), the guard's added.
  expect(override.services.api).toEqual({ dns: ['198.18.7.2'], networks: { default: {}, [GUARD_NETWORK]: {} } });
  expect(override.services.back).toEqual({ dns: ['198.18.7.2'], networks: { backend: {}, [GUARD_NETWORK]: {} } });
  // In another's network namespace: nothing of its own to set.
  expect(override.services.sidecar).toBeUndefined();
  expect(override.services[GUARD_SERVICE]).toMatchObject({
    image: 'node:24-alpine',
    command: ['node', '-e', GUARD_SCRIPT],
    labels,
    ports: ['127.0.0.1::8080'],
    networks: { [GUARD_NETWORK]: { ipv4_address: '198.18.7.2' } },
  });
  expect(override.networks[GUARD_NETWORK]).toEqual({
    labels,
    ipam: { config: [{ subnet: '198.18.7.0/24', ip_range: '198.18.7.128/25' }] },
  });
  expect(guardAddress('198.19.255.0/24')).toBe('198.19.255.2');
});

test('the subnet: a /24 in 198.18.0.0/15 that overlaps none the engine has', () => {
  expect(pickGuardSubnet([], () => 0)).toBe('198.18.0.0/24');
  expect(pickGuardSubnet(['198.18.0.64/27', '172.17.0.0/16', 'fd00::/64'], () => 0)).toBe('198.18.1.0/24');
  expect(pickGuardSubnet([], () => 0.9999)).toBe('198.19.255.0/24');
  // Wraps round past the end of the range.
  expect(pickGuardSubnet(['198.19.255.0/24'], () => 0.9999)).toBe('198.18.0.0/24');
  expect(() => pickGuardSubnet(['198.18.0.0/15'])).toThrow(/No free \/24 in 198\.18\.0\.0\/15/);
});

test('attempts named by service, once per service and host, the first time; the failure says who, what and how to fix', () => {
  const named = nameAttempts(
    [
      { at: 2000, from: '198.18.7.3', name: 'api.stripe.com' },
      { at: 1000, from: '198.18.7.3', name: 'api.stripe.com' },
      { at: 3000, from: '198.18.7.9', name: 'telemetry.example' },
    ],
    (address) => (address === '198.18.7.3' ? 'payments' : undefined),
  );
  expect(named).toEqual([
    { at: 1000, service: 'payments', host: 'api.stripe.com' },
    { at: 3000, service: 'a container at 198.18.7.9', host: 'telemetry.example' },
  ]);
  expect(describeAttempts(named.slice(0, 1))).toBe(
    '[PRODUCT] A service reached for a host outside the stack (x-journeys.egress: none): payments tried to reach api.stripe.com at 1970-01-01T00:00:01.000Z. The lookup was refused, so nothing left the stack; point the service at a service of the stack (a WireMock stub of the provider), or stop declaring egress: none.',
  );
});

test('the guard script answers NXDOMAIN to any name and lists who asked for what', async () => {
  // The script as the guard runs it, with its ports moved to free ones of this machine.
  const dnsPort = 20_000 + Math.floor(Math.random() * 20_000);
  const httpPort = dnsPort + 1;
  const script = GUARD_SCRIPT.replace('dns.bind(53)', `dns.bind(${dnsPort}, '127.0.0.1')`).replace(
    '.listen(8080)',
    `.listen(${httpPort}, '127.0.0.1')`,
  );
  const guard = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  try {
    await expect
      .poll(() =>
        fetch(`http://127.0.0.1:${httpPort}/health`).then(
          (r) => r.status,
          () => 0,
        ),
      )
      .toBe(200);
    const since = Date.now();
    // A query for api.stripe.com, type A, as a resolver sends it.
    const name = Buffer.concat([
      ...'api.stripe.com'.split('.').map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label)])),
      Buffer.from([0, 0, 1, 0, 1]),
    ]);
    const query = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), name]);
    const socket = dgram.createSocket('udp4');
    const answer = await new Promise<Buffer>((resolve) => {
      socket.once('message', resolve);
      socket.send(query, dnsPort, '127.0.0.1');
    });
    socket.close();
    expect(answer.readUInt16BE(0)).toBe(0x1234); // its id
    expect(answer[3]! & 0x0f).toBe(3); // NXDOMAIN
    expect(answer.readUInt16BE(6)).toBe(0); // no answer
    expect(answer.subarray(12)).toEqual(name); // the question echoed
    const attempts = (await (await fetch(`http://127.0.0.1:${httpPort}/attempts?since=${since}`)).json()) as unknown[];
    expect(attempts).toEqual([{ at: expect.any(Number), from: '127.0.0.1', name: 'api.stripe.com', type: 1 }]);
  } finally {
    guard.kill();
  }
});
