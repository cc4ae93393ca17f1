// Wire format of the group membership APIs the proxy answers itself (group-coordinator.ts has the
// rules): JoinGroup v0-5, SyncGroup v0-3, Heartbeat v0-3, LeaveGroup v0-3, the non-flexible
// versions. Field layouts follow Apache Kafka's message definitions
// (clients/src/main/resources/common/message/{JoinGroup,SyncGroup,Heartbeat,LeaveGroup}{Request,Response}.json).
// Pure: frames in, frames out, unit-tested in test/unit/kafka-group-coordinator.spec.ts.
import {
  API_HEARTBEAT,
  API_JOIN_GROUP,
  API_LEAVE_GROUP,
  API_SYNC_GROUP,
  MAX_VERSION,
  Reader,
  type RequestHeader,
  Writer,
} from './protocol.ts';

/** Kafka error codes the coordinator answers with. */
export const ERROR = {
  NONE: 0,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
} as const;

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v0 has none: the session timeout stands in, as on a broker. */
  rebalanceTimeoutMs: number;
  /** '' for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  /** Every member's metadata for the leader; empty for the others. */
  members: JoinGroupMember[];
}

export interface SyncGroupRequest extends HeartbeatRequest {
  /** Sent by the leader only. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResult {
  errorCode: number;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2 name one member; v3 a batch. */
  members: LeavingMember[];
}

export interface LeaveGroupResult {
  errorCode: number;
  members: (LeavingMember & { errorCode: number })[];
}

/** The request body, checked against the versions answered here. */
function bodyReader(frame: Buffer, header: RequestHeader, apiKey: number, name: string): Reader {
  if (header.apiKey !== apiKey || header.apiVersion < 0 || header.apiVersion > MAX_VERSION[apiKey]!) {
    throw new Error(`cannot parse ${name} v${header.apiVersion}`);
  }
  return new Reader(frame, header.bodyOffset, false);
}

const str = (r: Reader) => r.string() ?? '';

export function decodeJoinGroup(frame: Buffer, header: RequestHeader): JoinGroupRequest {
  const r = bodyReader(frame, header, API_JOIN_GROUP, 'JoinGroup');
  const version = header.apiVersion;
  const groupId = str(r);
  const sessionTimeoutMs = r.i32();
  const rebalanceTimeoutMs = version >= 1 ? r.i32() : sessionTimeoutMs;
  const memberId = str(r);
  const groupInstanceId = version >= 5 ? r.string() : null;
  const protocolType = str(r);
  const protocols: GroupProtocol[] = [];
  for (let n = r.length(true); n > 0; n--) protocols.push({ name: str(r), metadata: r.bytes() ?? Buffer.alloc(0) });
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
}

export function encodeJoinGroupResponse(correlationId: number, version: number, result: JoinGroupResult): Buffer {
  const w = new Writer();
  if (version >= 2) w.i32(0); // throttle_time_ms
  w.i16(result.errorCode)
    .i32(result.generationId)
    .string(result.protocolName)
    .string(result.leader)
    .string(result.memberId)
    .array(result.members, (m, member) => {
      m.string(member.memberId);
      if (version >= 5) m.string(member.groupInstanceId);
      m.bytes(member.metadata);
    });
  return w.responseFrame(correlationId);
}

export function decodeSyncGroup(frame: Buffer, header: RequestHeader): SyncGroupRequest {
  const r = bodyReader(frame, header, API_SYNC_GROUP, 'SyncGroup');
  const member = generationMember(r, header);
  const assignments: SyncGroupRequest['assignments'] = [];
  for (let n = r.length(true); n > 0; n--)
    assignments.push({ memberId: str(r), assignment: r.bytes() ?? Buffer.alloc(0) });
  return { ...member, assignments };
}

export function encodeSyncGroupResponse(correlationId: number, version: number, result: SyncGroupResult): Buffer {
  const w = new Writer();
  if (version >= 1) w.i32(0); // throttle_time_ms
  return w.i16(result.errorCode).bytes(result.assignment).responseFrame(correlationId);
}

export function decodeHeartbeat(frame: Buffer, header: RequestHeader): HeartbeatRequest {
  return generationMember(bodyReader(frame, header, API_HEARTBEAT, 'Heartbeat'), header);
}

/** SyncGroup and Heartbeat both open with who asks: group, generation, member, and from v3 its instance id. */
function generationMember(r: Reader, header: RequestHeader): HeartbeatRequest {
  const groupId = str(r);
  const generationId = r.i32();
  const memberId = str(r);
  const groupInstanceId = header.apiVersion >= 3 ? r.string() : null;
  return { groupId, generationId, memberId, groupInstanceId };
}

export function encodeHeartbeatResponse(correlationId: number, version: number, errorCode: number): Buffer {
  const w = new Writer();
  if (version >= 1) w.i32(0); // throttle_time_ms
  return w.i16(errorCode).responseFrame(correlationId);
}

export function decodeLeaveGroup(frame: Buffer, header: RequestHeader): LeaveGroupRequest {
  const r = bodyReader(frame, header, API_LEAVE_GROUP, 'LeaveGroup');
  const groupId = str(r);
  if (header.apiVersion < 3) return { groupId, members: [{ memberId: str(r), groupInstanceId: null }] };
  const members: LeavingMember[] = [];
  for (let n = r.length(true); n > 0; n--) members.push({ memberId: str(r), groupInstanceId: r.string() });
  return { groupId, members };
}

export function encodeLeaveGroupResponse(correlationId: number, version: number, result: LeaveGroupResult): Buffer {
  const w = new Writer();
  if (version >= 1) w.i32(0); // throttle_time_ms
  if (version < 3) {
    // One member per request before v3: its error is the response's, as a broker folds it.
    const memberError = result.members.find((m) => m.errorCode !== ERROR.NONE)?.errorCode ?? ERROR.NONE;
    return w.i16(result.errorCode || memberError).responseFrame(correlationId);
  }
  return w
    .i16(result.errorCode)
    .array(result.members, (m, member) => {
      m.string(member.memberId).string(member.groupInstanceId).i16(member.errorCode);
    })
    .responseFrame(correlationId);
}
