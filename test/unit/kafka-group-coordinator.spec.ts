// The offline Kafka proxy's group coordinator (compose/offline/kafka/group-*.ts) without sockets or
// Docker: the wire format against kafkajs 2.2.4's own encoders and decoders (every version it speaks,
// which are the ones the proxy answers), and the state machine on a fake clock.
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import { GroupCoordinator, type Scheduler } from '../../compose/offline/kafka/group-coordinator.ts';
import {
  decodeHeartbeat,
  decodeJoinGroup,
  decodeLeaveGroup,
  decodeSyncGroup,
  ERROR,
  encodeHeartbeatResponse,
  encodeJoinGroupResponse,
  encodeLeaveGroupResponse,
  encodeSyncGroupResponse,
  type JoinGroupRequest,
  type JoinGroupResult,
  type SyncGroupResult,
} from '../../compose/offline/kafka/group-messages.ts';
import { parseRequestHeader } from '../../compose/offline/kafka/protocol.ts';

// ---------------------------------------------------------------- kafkajs's encoders and decoders

const require = createRequire(import.meta.url);
type KafkajsRequest = { apiKey: number; apiVersion: number; encode: () => Promise<unknown> };
const kafkajsFrame = require('kafkajs/src/protocol/request') as (args: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest;
}) => Promise<{ buffer: Buffer }>;

/** A request frame as kafkajs sends it. */
async function kafkajsRequest(api: string, version: number, args: object, correlationId = 7): Promise<Buffer> {
  const build = require(`kafkajs/src/protocol/requests/${api}/v${version}/request`) as (a: object) => KafkajsRequest;
  return (await kafkajsFrame({ correlationId, clientId: 'unit-client', request: build(args) })).buffer;
}

/** A response frame as kafkajs reads it (its decoder gets what follows the correlation id). */
async function kafkajsDecode(api: string, version: number, frame: Buffer): Promise<Record<string, unknown>> {
  const { decode } = require(`kafkajs/src/protocol/requests/${api}/v${version}/response`) as {
    decode: (payload: Buffer) => Promise<Record<string, unknown>>;
  };
  expect(frame.readInt32BE(0), 'size prefix').toBe(frame.length - 4);
  expect(frame.readInt32BE(4), 'correlation id').toBe(7);
  return decode(frame.subarray(8));
}

/** Classic encodings, for exact expected bytes. */
const be = {
  i16: (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]),
  i32: (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return b;
  },
  str: (s: string | null) => (s === null ? be.i16(-1) : Buffer.concat([be.i16(Buffer.byteLength(s)), Buffer.from(s)])),
  bytes: (b: Buffer) => Buffer.concat([be.i32(b.length), b]),
  frame: (correlationId: number, ...fields: Buffer[]) => {
    const body = Buffer.concat([be.i32(correlationId), ...fields]);
    return Buffer.concat([be.i32(body.length), body]);
  },
};

// ---------------------------------------------------------------- wire format

test.describe('JoinGroup v0-5', () => {
  const protocols = [
    { name: 'RoundRobinAssigner', metadata: Buffer.from('meta-rr') },
    { name: 'range', metadata: Buffer.from([0, 1, 2]) },
  ];

  for (const version of [0, 1, 2, 3, 4, 5]) {
    test(`v${version}: kafkajs's request decodes; our response decodes in kafkajs`, async () => {
      const frame = await kafkajsRequest('joinGroup', version, {
        groupId: 'orders',
        sessionTimeout: 6000,
        rebalanceTimeout: 20000,
        memberId: version === 0 ? '' : 'unit-client-1',
        groupInstanceId: 'instance-1',
        protocolType: 'consumer',
        groupProtocols: protocols,
      });
      const header = parseRequestHeader(frame);
      expect(header).toMatchObject({ apiKey: 11, apiVersion: version, correlationId: 7, clientId: 'unit-client' });
      expect(decodeJoinGroup(frame, header)).toEqual({
        groupId: 'orders',
        sessionTimeoutMs: 6000,
        rebalanceTimeoutMs: version === 0 ? 6000 : 20000, // v0 has none: the session timeout stands in
        memberId: version === 0 ? '' : 'unit-client-1',
        groupInstanceId: version >= 5 ? 'instance-1' : null,
        protocolType: 'consumer',
        protocols,
      });

      const result: JoinGroupResult = {
        errorCode: 0,
        generationId: 3,
        protocolName: 'RoundRobinAssigner',
        leader: 'a-1',
        memberId: 'b-2',
        members: [
          { memberId: 'a-1', groupInstanceId: null, metadata: Buffer.from('ma') },
          { memberId: 'b-2', groupInstanceId: 'inst-b', metadata: Buffer.from('mb') },
        ],
      };
      const decoded = await kafkajsDecode('joinGroup', version, encodeJoinGroupResponse(7, version, result));
      expect(decoded).toMatchObject({
        errorCode: 0,
        generationId: 3,
        groupProtocol: 'RoundRobinAssigner',
        leaderId: 'a-1',
        memberId: 'b-2',
        members: [
          { memberId: 'a-1', memberMetadata: Buffer.from('ma') },
          {
            memberId: 'b-2',
            memberMetadata: Buffer.from('mb'),
            ...(version >= 5 ? { groupInstanceId: 'inst-b' } : {}),
          },
        ],
      });
    });
  }

  test('response bytes, v0 and v5 (throttle from v2, group_instance_id per member from v5)', () => {
    const result: JoinGroupResult = {
      errorCode: 0,
      generationId: 1,
      protocolName: 'rr',
      leader: 'a',
      memberId: 'a',
      members: [{ memberId: 'a', groupInstanceId: null, metadata: Buffer.from('m') }],
    };
    const common = [be.i16(0), be.i32(1), be.str('rr'), be.str('a'), be.str('a'), be.i32(1), be.str('a')];
    expect(encodeJoinGroupResponse(9, 0, result)).toEqual(be.frame(9, ...common, be.bytes(Buffer.from('m'))));
    expect(encodeJoinGroupResponse(9, 5, result)).toEqual(
      be.frame(9, be.i32(0), ...common, be.str(null), be.bytes(Buffer.from('m'))),
    );
  });

  test('flexible versions (v6+) are not parsed: ApiVersions never offers them', async () => {
    const frame = await kafkajsRequest('joinGroup', 5, {
      groupId: 'g',
      sessionTimeout: 1,
      rebalanceTimeout: 1,
      memberId: '',
      protocolType: 'consumer',
      groupProtocols: protocols,
    });
    frame.writeInt16BE(6, 6); // api_version
    expect(() => decodeJoinGroup(frame, parseRequestHeader(frame))).toThrow(/cannot parse JoinGroup v6/);
  });
});

test.describe('SyncGroup v0-3', () => {
  for (const version of [0, 1, 2, 3]) {
    test(`v${version}: kafkajs's request decodes; our response decodes in kafkajs`, async () => {
      const frame = await kafkajsRequest('syncGroup', version, {
        groupId: 'orders',
        generationId: 4,
        memberId: 'a-1',
        groupInstanceId: 'instance-1',
        groupAssignment: [
          { memberId: 'a-1', memberAssignment: Buffer.from('pa') },
          { memberId: 'b-2', memberAssignment: Buffer.from('pb') },
        ],
      });
      expect(decodeSyncGroup(frame, parseRequestHeader(frame))).toEqual({
        groupId: 'orders',
        generationId: 4,
        memberId: 'a-1',
        groupInstanceId: version >= 3 ? 'instance-1' : null,
        assignments: [
          { memberId: 'a-1', assignment: Buffer.from('pa') },
          { memberId: 'b-2', assignment: Buffer.from('pb') },
        ],
      });
      const response = encodeSyncGroupResponse(7, version, { errorCode: 0, assignment: Buffer.from('pa') });
      expect(response).toEqual(
        be.frame(7, ...(version >= 1 ? [be.i32(0)] : []), be.i16(0), be.bytes(Buffer.from('pa'))),
      );
      expect(await kafkajsDecode('syncGroup', version, response)).toMatchObject({
        errorCode: 0,
        memberAssignment: Buffer.from('pa'),
      });
    });
  }
});

test.describe('Heartbeat v0-3', () => {
  for (const version of [0, 1, 2, 3]) {
    test(`v${version}: kafkajs's request decodes; our response decodes in kafkajs`, async () => {
      const frame = await kafkajsRequest('heartbeat', version, {
        groupId: 'orders',
        groupGenerationId: 4,
        memberId: 'a-1',
        groupInstanceId: 'instance-1',
      });
      expect(decodeHeartbeat(frame, parseRequestHeader(frame))).toEqual({
        groupId: 'orders',
        generationId: 4,
        memberId: 'a-1',
        groupInstanceId: version >= 3 ? 'instance-1' : null,
      });
      const response = encodeHeartbeatResponse(7, version, ERROR.REBALANCE_IN_PROGRESS);
      expect(response).toEqual(be.frame(7, ...(version >= 1 ? [be.i32(0)] : []), be.i16(27)));
      expect(await kafkajsDecode('heartbeat', version, response)).toMatchObject({ errorCode: 27 });
    });
  }
});

test.describe('LeaveGroup v0-3', () => {
  for (const version of [0, 1, 2, 3]) {
    test(`v${version}: kafkajs's request decodes; our response decodes in kafkajs`, async () => {
      const members = [
        { memberId: 'a-1', groupInstanceId: null },
        { memberId: 'b-2', groupInstanceId: 'inst-b' },
      ];
      const frame = await kafkajsRequest(
        'leaveGroup',
        version,
        version >= 3 ? { groupId: 'orders', members } : { groupId: 'orders', memberId: 'a-1' },
      );
      expect(decodeLeaveGroup(frame, parseRequestHeader(frame))).toEqual({
        groupId: 'orders',
        members: version >= 3 ? members : [{ memberId: 'a-1', groupInstanceId: null }],
      });
      const result = {
        errorCode: 0,
        members: [
          { memberId: 'a-1', groupInstanceId: null, errorCode: 0 },
          { memberId: 'b-2', groupInstanceId: 'inst-b', errorCode: ERROR.UNKNOWN_MEMBER_ID },
        ],
      };
      const response = encodeLeaveGroupResponse(7, version, result);
      const throttle = version >= 1 ? [be.i32(0)] : [];
      if (version < 3) {
        // One member per request before v3: its error is the response's.
        expect(response).toEqual(be.frame(7, ...throttle, be.i16(25)));
        expect(await kafkajsDecode('leaveGroup', version, response)).toMatchObject({ errorCode: 25 });
      } else {
        expect(response).toEqual(
          be.frame(
            7,
            ...throttle,
            be.i16(0),
            be.i32(2),
            ...[be.str('a-1'), be.str(null), be.i16(0)],
            ...[be.str('b-2'), be.str('inst-b'), be.i16(25)],
          ),
        );
        expect(await kafkajsDecode('leaveGroup', version, response)).toMatchObject({
          errorCode: 0,
          members: [
            { memberId: 'a-1', groupInstanceId: null, errorCode: 0 },
            { memberId: 'b-2', groupInstanceId: 'inst-b', errorCode: 25 },
          ],
        });
      }
    });
  }
});

// ---------------------------------------------------------------- the state machine

/** Timers on a clock that moves only when told. */
class FakeClock implements Scheduler {
  now = 0;
  #seq = 0;
  #tasks: { at: number; seq: number; fn: () => void }[] = [];

  after(ms: number, fn: () => void): () => void {
    const task = { at: this.now + Math.max(0, ms), seq: this.#seq++, fn };
    this.#tasks.push(task);
    return () => {
      this.#tasks = this.#tasks.filter((t) => t !== task);
    };
  }

  /** Runs every task due within `ms` (0: the next tick), in time order, including those they schedule. */
  advance(ms = 0): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.#tasks.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#tasks = this.#tasks.filter((t) => t !== due);
      this.now = due.at;
      due.fn();
    }
    this.now = end;
  }
}

const RR = { name: 'roundrobin', metadata: Buffer.from('sub') };

function setup() {
  const clock = new FakeClock();
  let n = 0;
  const logs: string[] = [];
  const coordinator = new GroupCoordinator({
    scheduler: clock,
    newMemberId: (clientId) => `${clientId}-${++n}`,
    log: (m) => logs.push(m),
  });
  const joinRequest = (over: Partial<JoinGroupRequest> = {}): JoinGroupRequest => ({
    groupId: 'g',
    sessionTimeoutMs: 6000,
    rebalanceTimeoutMs: 10000,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [RR],
    ...over,
  });
  /** Sends a JoinGroup; the box fills once it is answered. */
  const join = (clientId: string, over: Partial<JoinGroupRequest> = {}) => {
    const box: { result?: JoinGroupResult } = {};
    coordinator.joinGroup(joinRequest(over), clientId, (result) => {
      box.result = result;
    });
    return box;
  };
  const sync = (memberId: string, generationId: number, assignments: Record<string, string> = {}) => {
    const box: { result?: SyncGroupResult } = {};
    coordinator.syncGroup(
      {
        groupId: 'g',
        generationId,
        memberId,
        groupInstanceId: null,
        assignments: Object.entries(assignments).map(([id, a]) => ({ memberId: id, assignment: Buffer.from(a) })),
      },
      (result) => {
        box.result = result;
      },
    );
    return box;
  };
  const heartbeat = (memberId: string, generationId: number, groupId = 'g') =>
    coordinator.heartbeat({ groupId, generationId, memberId, groupInstanceId: null });
  const leave = (...memberIds: string[]) =>
    coordinator.leaveGroup({
      groupId: 'g',
      members: memberIds.map((memberId) => ({ memberId, groupInstanceId: null })),
    });
  /** A joins alone and syncs: Stable at generation 1. */
  const stableWithA = () => {
    const a = join('a');
    clock.advance();
    const s = sync('a-1', 1, { 'a-1': 'all' });
    expect(s.result).toEqual({ errorCode: 0, assignment: Buffer.from('all') });
    return a;
  };
  return { clock, coordinator, logs, join, sync, heartbeat, leave, stableWithA };
}

test.describe('group coordinator', () => {
  test('a join to an empty group completes on the next tick: generation 1, its own leader, its metadata', () => {
    const { clock, coordinator, join, sync } = setup();
    const a = join('a');
    expect(a.result).toBeUndefined(); // not synchronously: joins of the same tick coalesce
    clock.advance();
    expect(clock.now).toBe(0);
    expect(a.result).toEqual({
      errorCode: 0,
      generationId: 1,
      protocolName: 'roundrobin',
      leader: 'a-1',
      memberId: 'a-1',
      members: [{ memberId: 'a-1', groupInstanceId: null, metadata: Buffer.from('sub') }],
    });
    expect(coordinator.describe('g')).toMatchObject({ state: 'CompletingRebalance', generation: 1 });
    expect(sync('a-1', 1, { 'a-1': 'p0-3' }).result).toEqual({ errorCode: 0, assignment: Buffer.from('p0-3') });
    expect(coordinator.describe('g')?.state).toBe('Stable');
    // In Stable a SyncGroup answers the member's assignment.
    expect(sync('a-1', 1).result).toEqual({ errorCode: 0, assignment: Buffer.from('p0-3') });
  });

  test('joins arriving together make one generation; the first to join leads', () => {
    const { clock, join } = setup();
    const a = join('a');
    const b = join('b');
    clock.advance();
    expect(a.result).toMatchObject({ generationId: 1, leader: 'a-1', memberId: 'a-1' });
    expect(a.result?.members.map((m) => m.memberId)).toEqual(['a-1', 'b-2']);
    expect(b.result).toMatchObject({ generationId: 1, leader: 'a-1', memberId: 'b-2', members: [] });
  });

  test('a second member triggers a rebalance: the first hears REBALANCE_IN_PROGRESS, rejoins, both get generation 2', () => {
    const { clock, coordinator, join, sync, heartbeat, stableWithA } = setup();
    stableWithA();
    const b = join('b');
    clock.advance();
    expect(b.result).toBeUndefined(); // parked until every known member has rejoined
    expect(coordinator.describe('g')?.state).toBe('PreparingRebalance');
    expect(heartbeat('a-1', 1)).toBe(ERROR.REBALANCE_IN_PROGRESS);
    expect(sync('a-1', 1).result?.errorCode).toBe(ERROR.REBALANCE_IN_PROGRESS);

    const a = join('a', { memberId: 'a-1' });
    clock.advance();
    expect(clock.now).toBe(0); // no delay once all have rejoined
    expect(a.result).toMatchObject({ errorCode: 0, generationId: 2, leader: 'a-1', memberId: 'a-1' });
    expect(a.result?.members.map((m) => m.memberId)).toEqual(['a-1', 'b-2']);
    expect(b.result).toMatchObject({ errorCode: 0, generationId: 2, leader: 'a-1', memberId: 'b-2', members: [] });
    expect(heartbeat('a-1', 1)).toBe(ERROR.ILLEGAL_GENERATION);
    expect(heartbeat('a-1', 2)).toBe(ERROR.NONE); // CompletingRebalance: heartbeats are fine
  });

  test("a follower's SyncGroup is parked until the leader's brings the assignments", () => {
    const { clock, coordinator, join, sync } = setup();
    join('a');
    join('b');
    clock.advance();
    const follower = sync('b-2', 1);
    expect(follower.result).toBeUndefined();
    const leader = sync('a-1', 1, { 'a-1': 'p0,p1', 'b-2': 'p2,p3' });
    expect(leader.result).toEqual({ errorCode: 0, assignment: Buffer.from('p0,p1') });
    expect(follower.result).toEqual({ errorCode: 0, assignment: Buffer.from('p2,p3') });
    expect(coordinator.describe('g')?.state).toBe('Stable');
  });

  test('a rebalance while followers wait for the assignment sends them back to rejoin', () => {
    const { clock, join, sync } = setup();
    join('a');
    join('b');
    clock.advance();
    const follower = sync('b-2', 1);
    join('c');
    expect(follower.result).toEqual({ errorCode: ERROR.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
  });

  test('errors: unknown group or member, old generation, unknown member id on join, inconsistent protocols', () => {
    const { join, clock, sync, heartbeat, stableWithA } = setup();
    expect(heartbeat('a-1', 1)).toBe(ERROR.UNKNOWN_MEMBER_ID); // no such group
    expect(sync('a-1', 1).result?.errorCode).toBe(ERROR.UNKNOWN_MEMBER_ID);
    const unknownJoin = join('x', { memberId: 'x-9' });
    expect(unknownJoin.result).toMatchObject({ errorCode: ERROR.UNKNOWN_MEMBER_ID, generationId: -1 });
    stableWithA();
    expect(heartbeat('nobody', 1)).toBe(ERROR.UNKNOWN_MEMBER_ID);
    expect(heartbeat('a-1', 0)).toBe(ERROR.ILLEGAL_GENERATION);
    expect(heartbeat('a-1', 1, '')).toBe(ERROR.INVALID_GROUP_ID);
    expect(sync('a-1', 2).result?.errorCode).toBe(ERROR.ILLEGAL_GENERATION);
    expect(join('x', { memberId: 'x-9' }).result?.errorCode).toBe(ERROR.UNKNOWN_MEMBER_ID);
    const otherProtocol = join('c', { protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
    const otherType = join('d', { protocolType: 'connect' });
    clock.advance();
    expect(otherProtocol.result?.errorCode).toBe(ERROR.INCONSISTENT_GROUP_PROTOCOL);
    expect(otherType.result?.errorCode).toBe(ERROR.INCONSISTENT_GROUP_PROTOCOL);
    expect(heartbeat('a-1', 1)).toBe(ERROR.NONE); // rejected joins do not disturb the group
  });

  test("the protocol is the leader's first choice among those every member supports", () => {
    const { clock, join } = setup();
    const range = { name: 'range', metadata: Buffer.from('r') };
    const a = join('a', { protocols: [range, RR] });
    join('b', { protocols: [RR, range] });
    clock.advance();
    expect(a.result?.protocolName).toBe('range');
    expect(a.result?.members.map((m) => m.metadata.toString())).toEqual(['r', 'r']);
    const { clock: clock2, join: join2 } = setup();
    const c = join2('c', { protocols: [range, RR] });
    join2('d', { protocols: [RR] });
    clock2.advance();
    expect(c.result?.protocolName).toBe('roundrobin');
  });

  test('a follower rejoining a stable group with the same metadata gets the current generation, no rebalance', () => {
    const { clock, coordinator, join, sync } = setup();
    join('a');
    join('b');
    clock.advance();
    sync('a-1', 1, { 'a-1': 'x', 'b-2': 'y' });
    const again = join('b', { memberId: 'b-2' });
    expect(again.result).toMatchObject({ errorCode: 0, generationId: 1, leader: 'a-1', members: [] });
    expect(coordinator.describe('g')).toMatchObject({ state: 'Stable', generation: 1 });
  });

  test('LeaveGroup removes the member and rebalances the rest; the last one leaving empties the group', () => {
    const { clock, coordinator, join, sync, heartbeat, leave } = setup();
    join('a');
    join('b');
    clock.advance();
    sync('a-1', 1, { 'a-1': 'x', 'b-2': 'y' });
    // The leader leaves: the other member leads the next generation.
    expect(leave('a-1', 'ghost')).toEqual({
      errorCode: 0,
      members: [
        { memberId: 'a-1', groupInstanceId: null, errorCode: 0 },
        { memberId: 'ghost', groupInstanceId: null, errorCode: ERROR.UNKNOWN_MEMBER_ID },
      ],
    });
    expect(coordinator.describe('g')).toMatchObject({ state: 'PreparingRebalance', members: ['b-2'], leader: 'b-2' });
    expect(heartbeat('b-2', 1)).toBe(ERROR.REBALANCE_IN_PROGRESS);
    const b = join('b', { memberId: 'b-2' });
    clock.advance();
    expect(b.result).toMatchObject({ errorCode: 0, generationId: 2, leader: 'b-2' });
    expect(b.result?.members.map((m) => m.memberId)).toEqual(['b-2']);
    leave('b-2');
    clock.advance();
    expect(coordinator.describe('g')).toBeUndefined();
    // A new member starts the group afresh.
    const c = join('c');
    clock.advance();
    expect(c.result).toMatchObject({ errorCode: 0, generationId: 1, leader: 'c-3' });
  });

  test('a member that stops heartbeating is removed after its session timeout, and the rest rebalance', () => {
    const { clock, coordinator, join, sync, heartbeat, logs } = setup();
    join('a');
    join('b', { sessionTimeoutMs: 3000 });
    clock.advance();
    sync('a-1', 1, { 'a-1': 'x', 'b-2': 'y' });
    sync('b-2', 1);
    for (let t = 0; t < 2; t++) {
      clock.advance(1000);
      expect(heartbeat('a-1', 1)).toBe(ERROR.NONE); // a keeps its session; b is silent
    }
    expect(coordinator.describe('g')?.members).toEqual(['a-1', 'b-2']);
    clock.advance(1000);
    expect(coordinator.describe('g')).toMatchObject({ state: 'PreparingRebalance', members: ['a-1'] });
    expect(logs.some((l) => /b-2 removed \(session timeout \(3000 ms\) expired\)/.test(l))).toBe(true);
    expect(heartbeat('a-1', 1)).toBe(ERROR.REBALANCE_IN_PROGRESS);
    const a = join('a', { memberId: 'a-1' });
    clock.advance();
    expect(a.result).toMatchObject({ generationId: 2 });
    expect(a.result?.members.map((m) => m.memberId)).toEqual(['a-1']);
  });

  test('a parked JoinGroup keeps its member alive; members that never rejoin are dropped at the rebalance timeout', () => {
    const { clock, coordinator, join, sync, heartbeat } = setup();
    join('a', { rebalanceTimeoutMs: 20000 });
    clock.advance();
    sync('a-1', 1, { 'a-1': 'x' });
    const b = join('b');
    // a heartbeats (hearing REBALANCE_IN_PROGRESS) but never rejoins; b's join waits, past its own
    // 6 s session timeout, until the rebalance timeout: the largest of the members', 20 s.
    for (let t = 1; t < 20; t++) {
      clock.advance(1000);
      expect(heartbeat('a-1', 1)).toBe(ERROR.REBALANCE_IN_PROGRESS);
      expect(b.result).toBeUndefined();
    }
    clock.advance(1000);
    expect(b.result).toMatchObject({ errorCode: 0, generationId: 2, leader: 'b-2', memberId: 'b-2' });
    expect(coordinator.describe('g')?.members).toEqual(['b-2']);
    expect(heartbeat('a-1', 1)).toBe(ERROR.UNKNOWN_MEMBER_ID);
  });

  test('the parked JoinGroup of a member that leaves from another connection is answered UNKNOWN_MEMBER_ID', () => {
    const { clock, join, leave, stableWithA } = setup();
    stableWithA();
    const b = join('b');
    clock.advance();
    leave('b-2');
    expect(b.result).toMatchObject({ errorCode: ERROR.UNKNOWN_MEMBER_ID });
  });
});
