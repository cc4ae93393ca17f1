// Consumer-group membership, answered by the proxy instead of librdkafka's mock: the mock delays the
// first join of an empty group by a fixed 3 s and makes a rebalance wait sessionTimeout - 1 s, and no
// setting reaches it. This follows Apache Kafka's classic GroupCoordinator (states Empty ->
// PreparingRebalance -> CompletingRebalance -> Stable), simplified:
// - no initial rebalance delay: a join to an empty group completes on the next tick (joins that
//   arrive together are coalesced);
// - member ids are given on the first JoinGroup (no MEMBER_ID_REQUIRED round trip);
// - the protocol is the first of the leader's that every member supports (Kafka lets members vote);
// - no static membership (group.instance.id is echoed, not used), no session-timeout bounds, no
//   pending-sync timeout; groups are forgotten once empty (offsets live in the mock, not here).
// No sockets and no clock of its own (Scheduler), so every rule is unit-tested
// (test/unit/kafka-group-coordinator.spec.ts); group-messages.ts has the wire format.
import { randomUUID } from 'node:crypto';
import {
  ERROR,
  type GroupProtocol,
  type HeartbeatRequest,
  type JoinGroupRequest,
  type JoinGroupResult,
  type LeaveGroupRequest,
  type LeaveGroupResult,
  type SyncGroupRequest,
  type SyncGroupResult,
} from './group-messages.ts';

export interface Scheduler {
  /** Runs `fn` after `ms` (0: on a later turn of the event loop); returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const timerScheduler: Scheduler = {
  after(ms, fn) {
    if (ms <= 0) {
      const immediate = setImmediate(fn);
      return () => clearImmediate(immediate);
    }
    // Unref'd: a session or rebalance timer alone never keeps the process up.
    const timer = setTimeout(fn, ms).unref();
    return () => clearTimeout(timer);
  },
};

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

interface Member {
  readonly id: string;
  readonly groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  /** A parked JoinGroup: answered when the rebalance completes. */
  awaitingJoin: ((result: JoinGroupResult) => void) | undefined;
  /** A parked SyncGroup: answered when the leader's assignment arrives. */
  awaitingSync: ((result: SyncGroupResult) => void) | undefined;
  assignment: Buffer;
  cancelSession: (() => void) | undefined;
}

class Group {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType = '';
  protocolName = '';
  leader: string | undefined;
  /** In join order: the first is the leader when the old one is gone. */
  readonly members = new Map<string, Member>();
  cancelRebalance: (() => void) | undefined;
  checkQueued = false;

  constructor(readonly id: string) {}
}

/** A group as tests and logs see it. */
export interface GroupSnapshot {
  state: GroupState;
  generation: number;
  protocolName: string;
  leader: string | undefined;
  members: string[];
}

export interface CoordinatorOptions {
  scheduler?: Scheduler;
  /** Kafka's form, `<clientId>-<uuid>`; replaceable for tests. */
  newMemberId?: (clientId: string) => string;
  log?: (message: string) => void;
}

const EMPTY = Buffer.alloc(0);

const joinError = (memberId: string, errorCode: number): JoinGroupResult => ({
  errorCode,
  generationId: -1,
  protocolName: '',
  leader: '',
  memberId,
  members: [],
});

const sameProtocols = (a: readonly GroupProtocol[], b: readonly GroupProtocol[]) =>
  a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));

/** All groups of one broker; shared by every connection of the proxy. */
export class GroupCoordinator {
  readonly #groups = new Map<string, Group>();
  readonly #scheduler: Scheduler;
  readonly #newMemberId: (clientId: string) => string;
  readonly #log: (message: string) => void;
  /** Answers are given once the state is consistent: an answer may let the connection send the next request. */
  #replies: (() => void)[] = [];
  #depth = 0;

  constructor(options: CoordinatorOptions = {}) {
    this.#scheduler = options.scheduler ?? timerScheduler;
    this.#newMemberId = options.newMemberId ?? ((clientId) => `${clientId}-${randomUUID()}`);
    this.#log = options.log ?? (() => {});
  }

  describe(groupId: string): GroupSnapshot | undefined {
    const group = this.#groups.get(groupId);
    if (!group) return undefined;
    const { state, generation, protocolName, leader } = group;
    return { state, generation, protocolName, leader, members: [...group.members.keys()] };
  }

  joinGroup(request: JoinGroupRequest, clientId: string, reply: (result: JoinGroupResult) => void): void {
    this.#run(() => {
      const immediate = this.#join(request, clientId, reply);
      if (immediate) this.#answer(reply, immediate);
    });
  }

  syncGroup(request: SyncGroupRequest, reply: (result: SyncGroupResult) => void): void {
    this.#run(() => {
      const immediate = this.#sync(request, reply);
      if (immediate) this.#answer(reply, immediate);
    });
  }

  heartbeat(request: HeartbeatRequest): number {
    let errorCode: number = ERROR.NONE;
    this.#run(() => {
      errorCode = this.#heartbeat(request);
    });
    return errorCode;
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResult {
    const result: LeaveGroupResult = { errorCode: ERROR.NONE, members: [] };
    if (!request.groupId) return { ...result, errorCode: ERROR.INVALID_GROUP_ID };
    this.#run(() => {
      const group = this.#groups.get(request.groupId);
      for (const leaving of request.members) {
        const member = leaving.memberId ? group?.members.get(leaving.memberId) : undefined;
        if (group && member) this.#remove(group, member, 'left the group');
        result.members.push({ ...leaving, errorCode: member ? ERROR.NONE : ERROR.UNKNOWN_MEMBER_ID });
      }
    });
    return result;
  }

  /** Runs a state change, then the answers it made. */
  #run(change: () => void): void {
    this.#depth++;
    try {
      change();
    } finally {
      this.#depth--;
    }
    if (this.#depth > 0) return;
    while (this.#replies.length > 0) {
      const replies = this.#replies;
      this.#replies = [];
      for (const answer of replies) answer();
    }
  }

  #answer<T>(reply: (result: T) => void, result: T): void {
    this.#replies.push(() => reply(result));
  }

  /** The answer when there is one at once; undefined when the JoinGroup is parked. */
  #join(
    request: JoinGroupRequest,
    clientId: string,
    reply: (result: JoinGroupResult) => void,
  ): JoinGroupResult | undefined {
    const { groupId, memberId } = request;
    if (!groupId) return joinError(memberId, ERROR.INVALID_GROUP_ID);
    let group = this.#groups.get(groupId);
    if (!group) {
      // A known member id for a group that is gone: it must join anew.
      if (memberId) return joinError(memberId, ERROR.UNKNOWN_MEMBER_ID);
      group = new Group(groupId);
      this.#groups.set(groupId, group);
    }
    if (!this.#supports(group, request)) {
      if (group.members.size === 0) this.#groups.delete(groupId);
      return joinError(memberId, ERROR.INCONSISTENT_GROUP_PROTOCOL);
    }

    if (!memberId) {
      const member: Member = {
        id: this.#newMemberId(clientId),
        groupInstanceId: request.groupInstanceId,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocols: request.protocols,
        awaitingJoin: reply,
        awaitingSync: undefined,
        assignment: EMPTY,
        cancelSession: undefined,
      };
      if (group.members.size === 0) group.protocolType = request.protocolType;
      group.members.set(member.id, member);
      group.leader ??= member.id;
      this.#maybePrepareRebalance(group);
    } else {
      const member = group.members.get(memberId);
      if (!member) return joinError(memberId, ERROR.UNKNOWN_MEMBER_ID);
      switch (group.state) {
        case 'PreparingRebalance':
          this.#update(member, request, reply);
          break;
        case 'CompletingRebalance':
        case 'Stable':
          // The same metadata again (e.g. a lost JoinGroup answer): the current generation, no
          // rebalance. The leader rejoining in Stable, or new metadata, starts one.
          if (
            sameProtocols(member.protocols, request.protocols) &&
            !(group.state === 'Stable' && group.leader === member.id)
          ) {
            this.#touch(group, member);
            return this.#joinResult(group, member, group.state === 'CompletingRebalance');
          } else {
            this.#update(member, request, reply);
            this.#prepareRebalance(group, `member ${member.id} rejoined`);
          }
          break;
        case 'Empty':
          return joinError(memberId, ERROR.UNKNOWN_MEMBER_ID);
      }
    }
    if (group.state === 'PreparingRebalance') this.#queueCheck(group);
    return undefined;
  }

  /** Kafka's rule: a new group needs a protocol type and protocols; a group with members, one they all support. */
  #supports(group: Group, request: JoinGroupRequest): boolean {
    if (group.members.size === 0) return request.protocolType !== '' && request.protocols.length > 0;
    if (request.protocolType !== group.protocolType) return false;
    const members = [...group.members.values()];
    return request.protocols.some(({ name }) => members.every((m) => m.protocols.some((p) => p.name === name)));
  }

  #update(member: Member, request: JoinGroupRequest, reply: (result: JoinGroupResult) => void): void {
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    // A second JoinGroup while one is parked comes from another connection (the client gave up on
    // the first): that one is answered so its connection is not held forever.
    if (member.awaitingJoin && member.awaitingJoin !== reply) {
      this.#answer(member.awaitingJoin, joinError(member.id, ERROR.REBALANCE_IN_PROGRESS));
    }
    member.awaitingJoin = reply;
  }

  #maybePrepareRebalance(group: Group, reason = 'a member joined'): void {
    if (group.state !== 'PreparingRebalance') this.#prepareRebalance(group, reason);
  }

  #prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'PreparingRebalance') return;
    // Followers waiting for the leader's assignment must rejoin instead.
    if (group.state === 'CompletingRebalance') this.#propagateAssignment(group, ERROR.REBALANCE_IN_PROGRESS);
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    // Members that do not rejoin by then are dropped; v0 members count with their session timeout.
    const timeoutMs = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    group.cancelRebalance?.();
    group.cancelRebalance = this.#scheduler.after(timeoutMs, () => this.#run(() => this.#completeJoin(group)));
    if (!wasEmpty) this.#log(`group ${group.id}: rebalancing (${reason}), generation ${group.generation}`);
    this.#queueCheck(group);
  }

  /** Completes the join on a later tick once every member has rejoined (joins arriving together coalesce). */
  #queueCheck(group: Group): void {
    if (group.checkQueued) return;
    group.checkQueued = true;
    this.#scheduler.after(0, () => {
      group.checkQueued = false;
      if (group.state !== 'PreparingRebalance') return;
      if ([...group.members.values()].every((m) => m.awaitingJoin)) this.#run(() => this.#completeJoin(group));
    });
  }

  #completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    group.cancelRebalance?.();
    group.cancelRebalance = undefined;
    for (const member of [...group.members.values()]) {
      if (!member.awaitingJoin) this.#drop(group, member, 'did not rejoin in time');
    }
    if (group.members.size === 0) {
      this.#forget(group);
      return;
    }

    const joined = [...group.members.values()];
    if (!group.leader || !group.members.has(group.leader)) group.leader = joined[0]!.id;
    const leader = group.members.get(group.leader)!;
    const protocol = leader.protocols.find(({ name }) => joined.every((m) => m.protocols.some((p) => p.name === name)));
    if (!protocol) {
      for (const member of joined) {
        this.#answer(member.awaitingJoin!, joinError(member.id, ERROR.INCONSISTENT_GROUP_PROTOCOL));
        member.awaitingJoin = undefined;
        this.#drop(group, member, 'no protocol all members support');
      }
      this.#forget(group);
      return;
    }
    group.generation++;
    group.protocolName = protocol.name;
    group.state = 'CompletingRebalance';
    this.#log(
      `group ${group.id}: generation ${group.generation}, ${joined.length} member(s), protocol ${protocol.name}, leader ${group.leader}`,
    );
    for (const member of joined) {
      const reply = member.awaitingJoin!;
      member.awaitingJoin = undefined;
      member.assignment = EMPTY;
      this.#touch(group, member);
      this.#answer(reply, this.#joinResult(group, member, true));
    }
  }

  /** The current generation as `member` sees it: the leader gets every member's metadata (when it is to assign). */
  #joinResult(group: Group, member: Member, withMembers: boolean): JoinGroupResult {
    const isLeader = group.leader === member.id;
    return {
      errorCode: ERROR.NONE,
      generationId: group.generation,
      protocolName: group.protocolName,
      leader: group.leader ?? '',
      memberId: member.id,
      members:
        isLeader && withMembers
          ? [...group.members.values()].map((m) => ({
              memberId: m.id,
              groupInstanceId: m.groupInstanceId,
              metadata: m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY,
            }))
          : [],
    };
  }

  /** The answer when there is one at once; undefined when the SyncGroup is parked. */
  #sync(request: SyncGroupRequest, reply: (result: SyncGroupResult) => void): SyncGroupResult | undefined {
    const fail = (errorCode: number): SyncGroupResult => ({ errorCode, assignment: EMPTY });
    if (!request.groupId) return fail(ERROR.INVALID_GROUP_ID);
    const group = this.#groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member) return fail(ERROR.UNKNOWN_MEMBER_ID);
    if (request.generationId !== group.generation) return fail(ERROR.ILLEGAL_GENERATION);
    switch (group.state) {
      case 'Empty':
        return fail(ERROR.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return fail(ERROR.REBALANCE_IN_PROGRESS);
      case 'CompletingRebalance': {
        if (member.awaitingSync)
          this.#answer(member.awaitingSync, { errorCode: ERROR.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        // Parked until the leader's assignment arrives (a follower may well be first).
        member.awaitingSync = reply;
        if (group.leader !== member.id) return undefined;
        const assignments = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
        for (const m of group.members.values()) m.assignment = assignments.get(m.id) ?? EMPTY;
        group.state = 'Stable';
        this.#propagateAssignment(group, ERROR.NONE);
        return undefined;
      }
      case 'Stable':
        this.#touch(group, member);
        return { errorCode: ERROR.NONE, assignment: member.assignment };
    }
  }

  /** Answers every parked SyncGroup: its assignment, or `errorCode` (then no assignment). */
  #propagateAssignment(group: Group, errorCode: number): void {
    for (const member of group.members.values()) {
      if (errorCode !== ERROR.NONE) member.assignment = EMPTY;
      const reply = member.awaitingSync;
      if (!reply) continue;
      member.awaitingSync = undefined;
      this.#touch(group, member);
      this.#answer(reply, { errorCode, assignment: member.assignment });
    }
  }

  #heartbeat(request: HeartbeatRequest): number {
    if (!request.groupId) return ERROR.INVALID_GROUP_ID;
    const group = this.#groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (!group || !member) return ERROR.UNKNOWN_MEMBER_ID;
    if (request.generationId !== group.generation) return ERROR.ILLEGAL_GENERATION;
    if (group.state === 'Empty') return ERROR.UNKNOWN_MEMBER_ID;
    this.#touch(group, member);
    // A member still in the old generation hears of the rebalance here and rejoins.
    return group.state === 'PreparingRebalance' ? ERROR.REBALANCE_IN_PROGRESS : ERROR.NONE;
  }

  /** Restarts a member's session: without a heartbeat, join or sync within it, the member is removed. */
  #touch(group: Group, member: Member): void {
    member.cancelSession?.();
    member.cancelSession = this.#scheduler.after(member.sessionTimeoutMs, () =>
      this.#run(() => {
        member.cancelSession = undefined;
        if (group.members.get(member.id) !== member) return;
        // A parked JoinGroup or SyncGroup keeps it alive, as on a broker: the member cannot
        // heartbeat while its connection waits, and the answer restarts the session.
        if (member.awaitingJoin || member.awaitingSync) return;
        this.#remove(group, member, `session timeout (${member.sessionTimeoutMs} ms) expired`);
      }),
    );
  }

  /** Removes a member and rebalances the rest (LeaveGroup, session expiry). */
  #remove(group: Group, member: Member, reason: string): void {
    this.#drop(group, member, reason);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      this.#prepareRebalance(group, `member ${member.id} ${reason}`);
    } else if (group.state === 'PreparingRebalance') {
      this.#queueCheck(group);
    }
  }

  /** Takes a member out; its parked requests are answered UNKNOWN_MEMBER_ID, so a live client joins anew. */
  #drop(group: Group, member: Member, reason: string): void {
    member.cancelSession?.();
    member.cancelSession = undefined;
    if (member.awaitingJoin) this.#answer(member.awaitingJoin, joinError(member.id, ERROR.UNKNOWN_MEMBER_ID));
    if (member.awaitingSync)
      this.#answer(member.awaitingSync, { errorCode: ERROR.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    member.awaitingJoin = undefined;
    member.awaitingSync = undefined;
    group.members.delete(member.id);
    if (group.leader === member.id) group.leader = group.members.keys().next().value;
    this.#log(`group ${group.id}: member ${member.id} removed (${reason})`);
  }

  /** No members left: the group is Empty, and being empty it holds nothing worth keeping. */
  #forget(group: Group): void {
    group.cancelRebalance?.();
    group.state = 'Empty';
    this.#groups.delete(group.id);
  }
}
