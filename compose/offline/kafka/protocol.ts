// Kafka wire protocol, as far as the offline proxy needs it: pure functions over
// complete frames (the 4-byte size prefix included), no sockets, so every rule
// here is unit-tested with constructed frames (test/unit/kafka-proxy.spec.ts).
//
// What the proxy changes (see proxy.ts for when):
// - Metadata / FindCoordinator responses: broker host/port -> advertised address,
//   and Metadata's controller_id -> a real broker id (the mock says 0, no such broker).
// - ApiVersions responses: max versions clamped to the ones parsed here.
// - Fetch requests: max_wait_ms rewritten (the proxy parks empty fetches itself).
// What it reads without changing: Fetch responses (empty or not) and Produce
// requests (acks, topic-partitions), to wake parked fetches.
// Group membership requests are answered by the proxy itself: group-messages.ts.

export const API_PRODUCE = 0;
export const API_FETCH = 1;
export const API_METADATA = 3;
export const API_FIND_COORDINATOR = 10;
export const API_JOIN_GROUP = 11;
export const API_HEARTBEAT = 12;
export const API_LEAVE_GROUP = 13;
export const API_SYNC_GROUP = 14;
export const API_VERSIONS = 18;
export const API_END_TXN = 26;

/**
 * Highest versions parsed here (upstream has Metadata v13, FindCoordinator v5, Fetch v17), and for
 * the group APIs answered by the proxy the last non-flexible ones (upstream: JoinGroup v9, SyncGroup
 * v5, Heartbeat v4, LeaveGroup v5). Clamping only lowers: LeaveGroup stays at the mock's v1.
 */
export const MAX_VERSION: Readonly<Record<number, number>> = {
  [API_METADATA]: 12,
  [API_FIND_COORDINATOR]: 4,
  // v12+ is flexible and may use fetch sessions with topic ids; the mock stops at 11 anyway.
  [API_FETCH]: 11,
  [API_JOIN_GROUP]: 5,
  [API_HEARTBEAT]: 3,
  [API_LEAVE_GROUP]: 3,
  [API_SYNC_GROUP]: 3,
};

/** First versions using compact ("flexible") encodings, per the Kafka protocol spec. */
const FIRST_FLEXIBLE: Readonly<Record<number, number>> = {
  [API_PRODUCE]: 9,
  [API_FETCH]: 12,
  [API_METADATA]: 9,
  [API_FIND_COORDINATOR]: 3,
  [API_JOIN_GROUP]: 6,
  [API_HEARTBEAT]: 4,
  [API_LEAVE_GROUP]: 4,
  [API_SYNC_GROUP]: 4,
  [API_VERSIONS]: 3,
};

export function isFlexible(apiKey: number, version: number): boolean {
  const first = FIRST_FLEXIBLE[apiKey];
  return first !== undefined && version >= first;
}

/** Sequential reader over a frame; `flexible` selects compact encodings. */
export class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    public flexible: boolean,
  ) {}

  i8(): number {
    const v = this.buf.readInt8(this.pos);
    this.pos += 1;
    return v;
  }
  i16(): number {
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  skip(bytes: number): void {
    if (this.pos + bytes > this.buf.length) throw new RangeError(`frame too short: need ${bytes} bytes at ${this.pos}`);
    this.pos += bytes;
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new RangeError('frame too short: unterminated varint');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new RangeError('varint longer than 5 bytes');
  }
  /** Length of a (nullable) string or array; -1 means null. */
  length(isArray: boolean): number {
    if (this.flexible) return this.uvarint() - 1;
    return isArray ? this.i32() : this.i16();
  }
  /** Length of (nullable) bytes, e.g. a record batch; -1 means null. */
  bytesLength(): number {
    return this.flexible ? this.uvarint() - 1 : this.i32();
  }
  string(): string | null {
    const n = this.length(false);
    if (n < 0) return null;
    const start = this.pos;
    this.skip(n);
    return this.buf.toString('utf8', start, this.pos);
  }
  /** Nullable bytes, copied: group metadata and assignments outlive the frame they came in. */
  bytes(): Buffer | null {
    const n = this.bytesLength();
    if (n < 0) return null;
    const start = this.pos;
    this.skip(n);
    return Buffer.from(this.buf.subarray(start, this.pos));
  }
  skipString(): void {
    const n = this.length(false);
    if (n > 0) this.skip(n);
  }
  skipTaggedFields(): void {
    if (!this.flexible) return;
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint(); // tag
      this.skip(this.uvarint()); // size + data
    }
  }
}

/** Classic (non-flexible) encodings, for the responses the proxy writes itself. */
export class Writer {
  readonly #parts: Buffer[] = [];

  i16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value);
    this.#parts.push(b);
    return this;
  }
  i32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    this.#parts.push(b);
    return this;
  }
  /** Nullable string: int16 length, -1 for null. */
  string(value: string | null): this {
    if (value === null) return this.i16(-1);
    const b = Buffer.from(value, 'utf8');
    this.i16(b.length);
    this.#parts.push(b);
    return this;
  }
  /** Nullable bytes: int32 length, -1 for null. */
  bytes(value: Buffer | null): this {
    if (value === null) return this.i32(-1);
    this.i32(value.length);
    this.#parts.push(value);
    return this;
  }
  array<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.i32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  /** A response frame: size prefix, header v0 (correlation id), then what was written. */
  responseFrame(correlationId: number): Buffer {
    const body = Buffer.concat(this.#parts);
    const head = Buffer.alloc(8);
    head.writeInt32BE(body.length + 4, 0);
    head.writeInt32BE(correlationId, 4);
    return Buffer.concat([head, body]);
  }
}

export function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  for (; rest >= 0x80; rest = Math.floor(rest / 128)) bytes.push((rest & 0x7f) | 0x80);
  bytes.push(rest);
  return Buffer.from(bytes);
}

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** Offset of the request body in the frame (after header tagged fields, if any). */
  bodyOffset: number;
}

/** Request header v1/v2: the client id is always a classic nullable string; v2 adds tagged fields. */
export function parseRequestHeader(frame: Buffer): RequestHeader {
  const r = new Reader(frame, 4, false);
  const apiKey = r.i16();
  const apiVersion = r.i16();
  const correlationId = r.i32();
  const clientId = r.string();
  // (Only responses make an exception: ApiVersions answers with header v0 in every version.)
  if (isFlexible(apiKey, apiVersion)) {
    r.flexible = true;
    r.skipTaggedFields();
  }
  return { apiKey, apiVersion, correlationId, clientId, bodyOffset: r.pos };
}

export interface Advertised {
  host: string;
  port: number;
}

/** Encoded host string followed by the int32 port, in the message's encoding. */
export function encodeAddress(host: string, port: number, flexible: boolean): Buffer {
  const name = Buffer.from(host, 'utf8');
  let len: Buffer;
  if (flexible) {
    len = uvarint(name.length + 1);
  } else {
    len = Buffer.alloc(2);
    len.writeInt16BE(name.length);
  }
  const portBuf = Buffer.alloc(4);
  portBuf.writeInt32BE(port);
  return Buffer.concat([len, name, portBuf]);
}

type Edit = [start: number, end: number, replacement: Buffer];

/** Reads a host string + port at the reader's position and records its replacement. */
function replaceAddress(r: Reader, edits: Edit[], address: Buffer): void {
  const start = r.pos;
  r.skipString();
  r.skip(4);
  edits.push([start, r.pos, address]);
}

/** Applies [start, end, replacement] edits (sorted, non-overlapping) and fixes the size prefix. */
export function applyEdits(frame: Buffer, edits: readonly Edit[]): Buffer {
  if (edits.length === 0) return frame;
  const parts: Buffer[] = [];
  let at = 0;
  for (const [start, end, bytes] of edits) {
    parts.push(frame.subarray(at, start), bytes);
    at = end;
  }
  parts.push(frame.subarray(at));
  const out = Buffer.concat(parts);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}

/**
 * Rewrites one complete response frame for a request of (apiKey, version):
 * Metadata, FindCoordinator and ApiVersions; other frames come back as they are.
 * Only the leading fields of each body are parsed; the rest is copied verbatim.
 */
export function rewriteResponse(frame: Buffer, apiKey: number, version: number, advertised: Advertised): Buffer {
  if (apiKey === API_VERSIONS) return clampApiVersions(frame, version);
  if (apiKey !== API_METADATA && apiKey !== API_FIND_COORDINATOR) return frame;
  const flexible = isFlexible(apiKey, version);
  // Response header v1 (flexible) carries tagged fields after the correlation id.
  const r = new Reader(frame, 8, flexible);
  r.skipTaggedFields();
  const address = encodeAddress(advertised.host, advertised.port, flexible);
  const edits: Edit[] = [];

  if (apiKey === API_METADATA) {
    if (version >= 3) r.i32(); // throttle_time_ms
    const nodeIds: number[] = [];
    for (let n = r.length(true); n > 0; n--) {
      nodeIds.push(r.i32());
      replaceAddress(r, edits, address);
      if (version >= 1) r.skipString(); // rack
      r.skipTaggedFields();
    }
    if (version >= 2) r.skipString(); // cluster_id
    // The mock reports controller_id 0, which is no broker; kafkajs then fails
    // "Broker 0 not found" in idempotent producers and admin calls.
    if (version >= 1 && nodeIds.length > 0 && !nodeIds.includes(frame.readInt32BE(r.pos))) {
      const controller = Buffer.alloc(4);
      controller.writeInt32BE(nodeIds[0]!);
      edits.push([r.pos, r.pos + 4, controller]);
    }
  } else if (version < 4) {
    // FindCoordinator v0-3: a single coordinator.
    if (version >= 1) r.i32(); // throttle_time_ms
    const errorCode = r.i16();
    if (version >= 1) r.skipString(); // error_message
    r.i32(); // node_id
    if (errorCode === 0) replaceAddress(r, edits, address);
  } else {
    // FindCoordinator v4+: one entry per requested key.
    r.i32(); // throttle_time_ms
    for (let n = r.length(true); n > 0; n--) {
      r.skipString(); // key
      r.i32(); // node_id
      replaceAddress(r, edits, address);
      r.i16(); // error_code
      r.skipString(); // error_message
      r.skipTaggedFields();
    }
  }
  return applyEdits(frame, edits);
}

/** Lowers max versions (in a copy); the ApiVersions response header is always v0. */
export function clampApiVersions(frame: Buffer, version: number): Buffer {
  // On error (e.g. UNSUPPORTED_VERSION to a v3 request) a broker lists only the ApiVersions
  // versions it speaks, in a v0 body (the mock's is not even well-formed): nothing to clamp.
  if (frame.readInt16BE(8) !== 0) return frame;
  const out = Buffer.from(frame);
  const r = new Reader(out, 10, isFlexible(API_VERSIONS, version));
  for (let n = r.length(true); n > 0; n--) {
    const key = r.i16();
    r.i16(); // min_version
    const max = MAX_VERSION[key];
    if (max !== undefined && out.readInt16BE(r.pos) > max) out.writeInt16BE(max, r.pos);
    r.skip(2);
    r.skipTaggedFields();
  }
  return out;
}

export interface FetchRequest {
  maxWaitMs: number;
  /** Frame offset of max_wait_ms. */
  maxWaitOffset: number;
  /** topic -> partitions asked for. Empty for an incremental fetch-session request that changes nothing. */
  topics: Map<string, number[]>;
}

/** Fetch v0-11 (non-flexible; all the mock speaks). */
export function parseFetchRequest(frame: Buffer, header: RequestHeader): FetchRequest {
  const version = header.apiVersion;
  if (header.apiKey !== API_FETCH || version > MAX_VERSION[API_FETCH]!) {
    throw new Error(`cannot parse Fetch v${version}`);
  }
  const r = new Reader(frame, header.bodyOffset, false);
  r.i32(); // replica_id
  const maxWaitOffset = r.pos;
  const maxWaitMs = r.i32();
  r.i32(); // min_bytes
  if (version >= 3) r.i32(); // max_bytes
  if (version >= 4) r.i8(); // isolation_level
  if (version >= 7) r.skip(8); // session_id, session_epoch
  const topics = new Map<string, number[]>();
  for (let t = r.length(true); t > 0; t--) {
    const topic = r.string() ?? '';
    const partitions = topics.get(topic) ?? [];
    for (let p = r.length(true); p > 0; p--) {
      partitions.push(r.i32());
      if (version >= 9) r.skip(4); // current_leader_epoch
      r.skip(8); // fetch_offset
      if (version >= 5) r.skip(8); // log_start_offset
      r.skip(4); // partition_max_bytes
    }
    topics.set(topic, partitions);
  }
  return { maxWaitMs, maxWaitOffset, topics };
}

/** A copy of a Fetch request frame with another max_wait_ms. */
export function withFetchMaxWait(frame: Buffer, fetch: FetchRequest, maxWaitMs: number): Buffer {
  const out = Buffer.from(frame);
  out.writeInt32BE(maxWaitMs, fetch.maxWaitOffset);
  return out;
}

export interface FetchResponseSummary {
  /** A top-level or partition error: the client must see it now. */
  error: boolean;
  /** Bytes of record batches in the whole response (0: nothing new). */
  recordBytes: number;
}

/** Fetch response v0-11 (header v0). */
export function summarizeFetchResponse(frame: Buffer, version: number): FetchResponseSummary {
  const r = new Reader(frame, 8, false);
  let error = false;
  let recordBytes = 0;
  if (version >= 1) r.i32(); // throttle_time_ms
  if (version >= 7) {
    if (r.i16() !== 0) error = true;
    r.i32(); // session_id
  }
  for (let t = r.length(true); t > 0; t--) {
    r.skipString(); // topic
    for (let p = r.length(true); p > 0; p--) {
      r.i32(); // partition_index
      if (r.i16() !== 0) error = true;
      r.skip(8); // high_watermark
      if (version >= 4) {
        r.skip(8); // last_stable_offset
        if (version >= 5) r.skip(8); // log_start_offset
        const aborted = r.length(true);
        if (aborted > 0) r.skip(16 * aborted); // producer_id, first_offset
      }
      if (version >= 11) r.i32(); // preferred_read_replica
      const size = r.bytesLength();
      if (size > 0) {
        r.skip(size);
        recordBytes += size;
      }
    }
  }
  return { error, recordBytes };
}

export interface ProduceRequest {
  acks: number;
  /** topic -> partitions written to. */
  topics: Map<string, number[]>;
}

/** Produce v0+ (v9+ flexible). */
export function parseProduceRequest(frame: Buffer, header: RequestHeader): ProduceRequest {
  const version = header.apiVersion;
  const r = new Reader(frame, header.bodyOffset, isFlexible(API_PRODUCE, version));
  if (version >= 3) r.skipString(); // transactional_id
  const acks = r.i16();
  r.i32(); // timeout_ms
  const topics = new Map<string, number[]>();
  for (let t = r.length(true); t > 0; t--) {
    const topic = r.string() ?? '';
    const partitions = topics.get(topic) ?? [];
    for (let p = r.length(true); p > 0; p--) {
      partitions.push(r.i32());
      const size = r.bytesLength();
      if (size > 0) r.skip(size);
      r.skipTaggedFields();
    }
    r.skipTaggedFields();
    topics.set(topic, partitions);
  }
  return { acks, topics };
}

/** Every request is answered except a Produce with acks=0. */
export function expectsResponse(frame: Buffer): boolean {
  const header = parseRequestHeader(frame);
  if (header.apiKey !== API_PRODUCE) return true;
  const r = new Reader(frame, header.bodyOffset, isFlexible(API_PRODUCE, header.apiVersion));
  if (header.apiVersion >= 3) r.skipString(); // transactional_id
  return r.i16() !== 0; // acks
}

/**
 * Splits a byte stream into size-prefixed frames. Chunks are kept as they come
 * and joined once per frame, so a multi-megabyte Produce or Fetch costs one copy.
 */
export class FrameSplitter {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Adds bytes; returns every frame they complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#buffered < 4) break;
      const size = this.#peekSize();
      if (size < 0) throw new Error(`negative frame size ${size}`);
      if (this.#buffered < 4 + size) break;
      frames.push(this.#take(4 + size));
    }
    return frames;
  }

  /** Bytes held that do not make a whole frame yet. */
  get buffered(): number {
    return this.#buffered;
  }

  #peekSize(): number {
    // A size split across chunks: join once, so later peeks read one chunk.
    if (this.#chunks[0]!.length < 4) this.#chunks = [Buffer.concat(this.#chunks, this.#buffered)];
    return this.#chunks[0]!.readInt32BE(0);
  }

  #take(n: number): Buffer {
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#buffered);
    const frame = all.subarray(0, n);
    const rest = all.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return frame;
  }
}
