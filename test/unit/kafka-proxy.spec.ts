// The offline Kafka proxy (compose/offline/kafka) without Docker: frames built here (and a few
// captured from librdkafka's mock) go through the pure rewriting in protocol.ts, and a proxy
// started in this process in front of a fake broker shows fetch parking over real sockets.
import net from 'node:net';
import { expect, test } from '@playwright/test';
import {
  API_END_TXN,
  API_FETCH,
  API_FIND_COORDINATOR,
  API_HEARTBEAT,
  API_JOIN_GROUP,
  API_LEAVE_GROUP,
  API_METADATA,
  API_PRODUCE,
  API_SYNC_GROUP,
  API_VERSIONS,
  clampApiVersions,
  expectsResponse,
  FrameSplitter,
  parseFetchRequest,
  parseProduceRequest,
  parseRequestHeader,
  Reader,
  rewriteResponse,
  summarizeFetchResponse,
  withFetchMaxWait,
} from '../../compose/offline/kafka/protocol.ts';
import { ProduceSignal, RequestGate, type RunningProxy, startProxy } from '../../compose/offline/kafka/proxy.ts';

// ---------------------------------------------------------------- frame building

/** Big-endian writer for Kafka frames; `compact` switches strings/arrays/bytes to flexible encodings. */
class W {
  #parts: Buffer[] = [];
  constructor(readonly compact = false) {}
  #fixed(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.#parts.push(b);
    return this;
  }
  i8(v: number) {
    return this.#fixed(1, (b) => b.writeInt8(v));
  }
  i16(v: number) {
    return this.#fixed(2, (b) => b.writeInt16BE(v));
  }
  i32(v: number) {
    return this.#fixed(4, (b) => b.writeInt32BE(v));
  }
  i64(v: bigint | number) {
    return this.#fixed(8, (b) => b.writeBigInt64BE(BigInt(v)));
  }
  uvarint(value: number) {
    const bytes: number[] = [];
    let v = value;
    for (; v >= 0x80; v = Math.floor(v / 128)) bytes.push((v & 0x7f) | 0x80);
    bytes.push(v);
    this.#parts.push(Buffer.from(bytes));
    return this;
  }
  raw(b: Buffer) {
    this.#parts.push(b);
    return this;
  }
  /** Nullable string in this writer's encoding. */
  str(s: string | null) {
    if (s === null) return this.compact ? this.uvarint(0) : this.i16(-1);
    const b = Buffer.from(s);
    (this.compact ? this.uvarint(b.length + 1) : this.i16(b.length)).raw(b);
    return this;
  }
  /** Classic (int16) string whatever the encoding: the request header's client id. */
  classicStr(s: string) {
    return this.i16(Buffer.byteLength(s)).raw(Buffer.from(s));
  }
  arr<T>(items: readonly T[], each: (w: this, item: T) => void) {
    this.compact ? this.uvarint(items.length + 1) : this.i32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  bytes(b: Buffer | null) {
    if (b === null) return this.compact ? this.uvarint(0) : this.i32(-1);
    (this.compact ? this.uvarint(b.length + 1) : this.i32(b.length)).raw(b);
    return this;
  }
  /** Tagged fields: none (flexible only). */
  tags() {
    return this.compact ? this.uvarint(0) : this;
  }
  /** The frame: int32 size prefix + everything written. */
  frame(): Buffer {
    const body = Buffer.concat(this.#parts);
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    return Buffer.concat([size, body]);
  }
}

function request(apiKey: number, version: number, correlationId: number, flexibleHeader = false, clientId = 'unit') {
  const w = new W(flexibleHeader);
  w.i16(apiKey).i16(version).i32(correlationId).classicStr(clientId);
  if (flexibleHeader) w.tags();
  return w;
}

function response(correlationId: number, flexibleHeader = false) {
  const w = new W(flexibleHeader);
  w.i32(correlationId);
  if (flexibleHeader) w.tags();
  return w;
}

const advertised = { host: 'kafka', port: 9092 };

/** Reads a broker entry (node_id, host, port) of a Metadata response at `r`. */
function readBroker(r: Reader) {
  return { nodeId: r.i32(), host: r.string(), port: r.i32() };
}

// ---------------------------------------------------------------- Metadata

function metadataV1(brokers: { id: number; host: string; port: number }[], controllerId: number) {
  return response(7)
    .arr(brokers, (w, b) => w.i32(b.id).str(b.host).i32(b.port).str(null)) // rack
    .i32(controllerId)
    .arr([{ name: 'orders.placed' }], (w, t) =>
      w
        .i16(0)
        .str(t.name)
        .i8(0)
        .arr([], () => {}),
    ) // topics (copied verbatim)
    .frame();
}

test.describe('Metadata responses', () => {
  test('v1: broker address becomes the advertised one, controller 0 becomes the broker, the rest is verbatim', () => {
    const original = metadataV1([{ id: 1, host: '127.0.0.1', port: 40921 }], 0);
    const out = rewriteResponse(original, API_METADATA, 1, advertised);

    expect(out.readInt32BE(0)).toBe(out.length - 4);
    const r = new Reader(out, 4, false);
    expect(r.i32()).toBe(7); // correlation id
    expect(r.length(true)).toBe(1);
    expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
    expect(r.string()).toBeNull(); // rack
    expect(r.i32()).toBe(1); // controller_id
    // Topics after the controller id: byte for byte the same as in the original.
    const tail = original.subarray(original.length - (out.length - r.pos));
    expect(out.subarray(r.pos).equals(tail)).toBe(true);
    // The input frame is not modified.
    expect(original.equals(metadataV1([{ id: 1, host: '127.0.0.1', port: 40921 }], 0))).toBe(true);
  });

  test('a controller id that is a listed broker stays', () => {
    const out = rewriteResponse(metadataV1([{ id: 3, host: '127.0.0.1', port: 1 }], 3), API_METADATA, 1, advertised);
    const r = new Reader(out, 8, false);
    r.length(true);
    readBroker(r);
    r.skipString();
    expect(r.i32()).toBe(3);
  });

  test('v0: no rack, no controller id; only the address changes', () => {
    const original = response(1)
      .arr([{ id: 1 }], (w, b) => w.i32(b.id).str('127.0.0.1').i32(5555))
      .arr([], () => {})
      .frame();
    const out = rewriteResponse(original, API_METADATA, 0, advertised);
    const r = new Reader(out, 8, false);
    expect(r.length(true)).toBe(1);
    expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
    expect(r.length(true)).toBe(0);
    expect(r.pos).toBe(out.length);
  });

  test('v9 (flexible): compact strings, header and broker tagged fields, throttle time', () => {
    const original = response(9, true)
      .i32(0) // throttle_time_ms
      .arr([{ id: 1 }, { id: 2 }], (w, b) =>
        w
          .i32(b.id)
          .str('127.0.0.1')
          .i32(40000 + b.id)
          .str(null)
          .tags(),
      )
      .str('mock-cluster') // cluster_id
      .i32(0) // controller_id
      .arr([], () => {})
      .i32(0) // cluster_authorized_operations
      .tags()
      .frame();
    const out = rewriteResponse(original, API_METADATA, 9, advertised);
    expect(out.readInt32BE(0)).toBe(out.length - 4);
    const r = new Reader(out, 8, true);
    r.skipTaggedFields();
    expect(r.i32()).toBe(0);
    expect(r.length(true)).toBe(2);
    for (const id of [1, 2]) {
      expect(readBroker(r)).toEqual({ nodeId: id, host: 'kafka', port: 9092 });
      expect(r.string()).toBeNull();
      r.skipTaggedFields();
    }
    expect(r.string()).toBe('mock-cluster');
    expect(r.i32()).toBe(1); // controller_id: the first broker
  });

  test('a longer advertised host grows the frame and the size prefix follows', () => {
    const original = metadataV1([{ id: 1, host: 'h', port: 1 }], 1);
    const out = rewriteResponse(original, API_METADATA, 1, { host: 'kafka.example.internal', port: 19092 });
    expect(out.length - original.length).toBe('kafka.example.internal'.length - 1);
    expect(out.readInt32BE(0)).toBe(out.length - 4);
  });
});

// ---------------------------------------------------------------- FindCoordinator

test.describe('FindCoordinator responses', () => {
  test('v1: the coordinator address is rewritten', () => {
    const original = response(3).i32(0).i16(0).str(null).i32(1).str('127.0.0.1').i32(40921).frame();
    const out = rewriteResponse(original, API_FIND_COORDINATOR, 1, advertised);
    const r = new Reader(out, 8, false);
    expect([r.i32(), r.i16(), r.string()]).toEqual([0, 0, null]);
    expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
    expect(r.pos).toBe(out.length);
  });

  test('v0 with an error (COORDINATOR_NOT_AVAILABLE): left as it is', () => {
    const original = response(3).i16(15).i32(-1).str('').i32(-1).frame();
    expect(rewriteResponse(original, API_FIND_COORDINATOR, 0, advertised).equals(original)).toBe(true);
  });

  test('v3 (flexible): compact host', () => {
    const original = response(3, true).i32(0).i16(0).str(null).i32(1).str('127.0.0.1').i32(40921).tags().frame();
    const out = rewriteResponse(original, API_FIND_COORDINATOR, 3, advertised);
    const r = new Reader(out, 8, true);
    r.skipTaggedFields();
    expect([r.i32(), r.i16(), r.string()]).toEqual([0, 0, null]);
    expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
  });

  test('v4: every requested key gets the advertised address', () => {
    const keys = ['orders', 'inventory'];
    const original = response(3, true)
      .i32(0)
      .arr(keys, (w, key) => w.str(key).i32(1).str('127.0.0.1').i32(40921).i16(0).str(null).tags())
      .tags()
      .frame();
    const out = rewriteResponse(original, API_FIND_COORDINATOR, 4, advertised);
    const r = new Reader(out, 8, true);
    r.skipTaggedFields();
    r.i32();
    expect(r.length(true)).toBe(2);
    for (const key of keys) {
      expect(r.string()).toBe(key);
      expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
      expect([r.i16(), r.string()]).toEqual([0, null]);
      r.skipTaggedFields();
    }
  });
});

// ---------------------------------------------------------------- ApiVersions

function apiVersionsV3(apis: [key: number, min: number, max: number][]) {
  // ApiVersions responses keep header v0 even when the body is flexible.
  const w = new W(true);
  w.i32(5)
    .i16(0)
    .arr(apis, (w, [k, min, max]) => w.i16(k).i16(min).i16(max).tags())
    .i32(0)
    .tags();
  return w.frame();
}

function maxVersions(frame: Buffer, flexible: boolean): Record<number, number> {
  const r = new Reader(frame, 8, false);
  r.i16();
  r.flexible = flexible;
  const out: Record<number, number> = {};
  for (let n = r.length(true); n > 0; n--) {
    const key = r.i16();
    r.i16();
    out[key] = r.i16();
    r.skipTaggedFields();
  }
  return out;
}

test.describe('ApiVersions responses', () => {
  const offered: [number, number, number][] = [
    [API_PRODUCE, 0, 9],
    [API_FETCH, 0, 13],
    [API_METADATA, 0, 13],
    [API_FIND_COORDINATOR, 0, 5],
    [API_VERSIONS, 0, 3],
  ];

  test('v3: Metadata, FindCoordinator and Fetch are clamped to what the proxy parses, others untouched', () => {
    const original = apiVersionsV3(offered);
    const out = clampApiVersions(original, 3);
    expect(maxVersions(out, true)).toEqual({
      [API_PRODUCE]: 9,
      [API_FETCH]: 11,
      [API_METADATA]: 12,
      [API_FIND_COORDINATOR]: 4,
      [API_VERSIONS]: 3,
    });
    expect(out.length).toBe(original.length);
    expect(maxVersions(original, true)[API_METADATA]).toBe(13); // a copy was changed, not the input
  });

  test('v0 body (also what a broker sends with an error code): classic arrays', () => {
    const original = response(5)
      .i16(0)
      .arr(offered, (w, [k, min, max]) => w.i16(k).i16(min).i16(max))
      .frame();
    expect(maxVersions(rewriteResponse(original, API_VERSIONS, 0, advertised), false)).toMatchObject({
      [API_METADATA]: 12,
      [API_FETCH]: 11,
    });
    // UNSUPPORTED_VERSION to a v3 request: the body is v0 even though v3 was asked.
    const error = response(5)
      .i16(35)
      .arr([[API_VERSIONS, 0, 3] as const], (w, [k, min, max]) => w.i16(k).i16(min).i16(max))
      .frame();
    expect(clampApiVersions(error, 3).equals(error)).toBe(true);
  });

  test('group APIs (answered by the proxy) are clamped to their last non-flexible versions, never raised', () => {
    const upstream = apiVersionsV3([
      [API_JOIN_GROUP, 0, 9],
      [API_SYNC_GROUP, 0, 5],
      [API_HEARTBEAT, 0, 4],
      [API_LEAVE_GROUP, 0, 5],
    ]);
    expect(maxVersions(clampApiVersions(upstream, 3), true)).toEqual({
      [API_JOIN_GROUP]: 5,
      [API_SYNC_GROUP]: 3,
      [API_HEARTBEAT]: 3,
      [API_LEAVE_GROUP]: 3,
    });
    // What librdkafka 2.0.2's mock offers: LeaveGroup stops at v1 and stays there.
    const mock = apiVersionsV3([
      [API_JOIN_GROUP, 0, 5],
      [API_SYNC_GROUP, 0, 3],
      [API_HEARTBEAT, 0, 3],
      [API_LEAVE_GROUP, 0, 1],
    ]);
    expect(clampApiVersions(mock, 3).equals(mock)).toBe(true);
  });

  test('versions already below the clamp stay (the mock offers Metadata v2 only)', () => {
    const original = apiVersionsV3([
      [API_METADATA, 0, 2],
      [API_FIND_COORDINATOR, 0, 2],
    ]);
    expect(clampApiVersions(original, 3).equals(original)).toBe(true);
  });
});

// ---------------------------------------------------------------- Fetch

function fetchV11(correlationId: number, maxWaitMs: number, topics: [string, number[]][]) {
  return request(API_FETCH, 11, correlationId)
    .i32(-1) // replica_id
    .i32(maxWaitMs)
    .i32(1) // min_bytes
    .i32(52428800) // max_bytes
    .i8(0) // isolation_level
    .i32(0)
    .i32(-1) // session_id, session_epoch
    .arr(topics, (w, [topic, partitions]) =>
      w.str(topic).arr(partitions, (w, p) => w.i32(p).i32(-1).i64(42).i64(0).i32(1048576)),
    )
    .arr([], () => {}) // forgotten_topics_data
    .str('') // rack_id
    .frame();
}

type FetchPartition = { partition: number; error?: number; records?: Buffer | null };

function fetchResponse(version: number, correlationId: number, topics: [string, FetchPartition[]][], topError = 0) {
  const w = response(correlationId);
  if (version >= 1) w.i32(0);
  if (version >= 7) w.i16(topError).i32(0);
  w.arr(topics, (w, [topic, partitions]) =>
    w.str(topic).arr(partitions, (w, p) => {
      w.i32(p.partition)
        .i16(p.error ?? 0)
        .i64(100);
      if (version >= 4) {
        w.i64(100);
        if (version >= 5) w.i64(0);
        w.arr([{ producerId: 7n, firstOffset: 3n }], (w, a) => w.i64(a.producerId).i64(a.firstOffset));
      }
      if (version >= 11) w.i32(-1);
      w.bytes(p.records === undefined ? null : p.records);
    }),
  );
  return w.frame();
}

test.describe('Fetch', () => {
  test('request v11: max_wait_ms found and rewritten in a copy, topic-partitions read', () => {
    const frame = fetchV11(21, 5000, [
      ['orders.placed', [0, 1, 2, 3]],
      ['payments.declined', [2]],
    ]);
    const header = parseRequestHeader(frame);
    expect(header).toMatchObject({ apiKey: API_FETCH, apiVersion: 11, correlationId: 21, clientId: 'unit' });
    const fetch = parseFetchRequest(frame, header);
    expect(fetch.maxWaitMs).toBe(5000);
    expect([...fetch.topics]).toEqual([
      ['orders.placed', [0, 1, 2, 3]],
      ['payments.declined', [2]],
    ]);

    const now = withFetchMaxWait(frame, fetch, 0);
    expect(parseFetchRequest(now, header).maxWaitMs).toBe(0);
    expect(parseFetchRequest(frame, header).maxWaitMs).toBe(5000);
    // Only those four bytes differ.
    const differing = [...now].flatMap((byte, i) => (byte === frame[i] ? [] : [i]));
    expect(differing.every((i) => i >= fetch.maxWaitOffset && i < fetch.maxWaitOffset + 4)).toBe(true);
  });

  test('request v4: no session fields, no leader epoch; a null client id', () => {
    const frame = new W()
      .i16(API_FETCH)
      .i16(4)
      .i32(3)
      .i16(-1) // header with a null client id
      .i32(-1)
      .i32(250)
      .i32(1)
      .i32(1000)
      .i8(1)
      .arr([['t', [5]] as const], (w, [topic, ps]) => w.str(topic).arr(ps, (w, p) => w.i32(p).i64(0).i32(100)))
      .frame();
    const header = parseRequestHeader(frame);
    expect(header.clientId).toBeNull();
    expect(parseFetchRequest(frame, header)).toMatchObject({ maxWaitMs: 250, topics: new Map([['t', [5]]]) });
  });

  test('request v12+ (flexible) is not parsed: the proxy passes it on as it is', () => {
    const frame = request(API_FETCH, 12, 1, true).i32(-1).i32(500).frame();
    expect(() => parseFetchRequest(frame, parseRequestHeader(frame))).toThrow(/Fetch v12/);
  });

  for (const version of [4, 7, 11]) {
    test(`response v${version}: empty, with records, with errors`, () => {
      const empty = fetchResponse(version, 1, [
        [
          'a',
          [
            { partition: 0, records: null },
            { partition: 1, records: Buffer.alloc(0) },
          ],
        ],
      ]);
      expect(summarizeFetchResponse(empty, version)).toEqual({ error: false, recordBytes: 0 });
      const data = fetchResponse(version, 1, [
        ['a', [{ partition: 0 }, { partition: 1, records: Buffer.alloc(61, 1) }]],
        ['b', [{ partition: 3, records: Buffer.alloc(9) }]],
      ]);
      expect(summarizeFetchResponse(data, version)).toEqual({ error: false, recordBytes: 70 });
      const offsetOutOfRange = fetchResponse(version, 1, [['a', [{ partition: 0, error: 1 }]]]);
      expect(summarizeFetchResponse(offsetOutOfRange, version).error).toBe(true);
    });
  }

  test('response v7: a top-level error (e.g. FETCH_SESSION_ID_NOT_FOUND) is an error', () => {
    expect(summarizeFetchResponse(fetchResponse(7, 1, [], 70), 7)).toEqual({ error: true, recordBytes: 0 });
  });

  test('a truncated response throws rather than reading past the end', () => {
    const data = fetchResponse(11, 1, [['a', [{ partition: 0, records: Buffer.alloc(100) }]]]);
    expect(() => summarizeFetchResponse(data.subarray(0, data.length - 10), 11)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- Produce

function produce(version: number, correlationId: number, acks: number, topics: [string, number[]][]) {
  const flexible = version >= 9;
  const w = request(API_PRODUCE, version, correlationId, flexible);
  if (version >= 3) w.str(null); // transactional_id
  w.i16(acks).i32(30000);
  w.arr(topics, (w, [topic, partitions]) => {
    w.str(topic).arr(partitions, (w, p) =>
      w
        .i32(p)
        .bytes(Buffer.alloc(70 + p, 7))
        .tags(),
    );
    w.tags();
  });
  w.tags();
  return w.frame();
}

test.describe('Produce requests', () => {
  for (const version of [2, 3, 7, 9]) {
    test(`v${version}: acks and topic-partitions`, () => {
      const frame = produce(version, 11, -1, [
        ['orders.placed', [2, 0]],
        ['payments.captured', [1]],
      ]);
      const parsed = parseProduceRequest(frame, parseRequestHeader(frame));
      expect(parsed.acks).toBe(-1);
      expect([...parsed.topics]).toEqual([
        ['orders.placed', [2, 0]],
        ['payments.captured', [1]],
      ]);
      expect(expectsResponse(frame)).toBe(true);
    });
  }

  test('acks=0 gets no response; every other request does', () => {
    expect(expectsResponse(produce(7, 1, 0, [['t', [0]]]))).toBe(false);
    expect(expectsResponse(produce(9, 1, 0, [['t', [0]]]))).toBe(false);
    expect(expectsResponse(produce(7, 1, 1, [['t', [0]]]))).toBe(true);
    expect(expectsResponse(fetchV11(1, 100, []))).toBe(true);
    expect(expectsResponse(request(API_VERSIONS, 3, 1, false).str('kafkajs').str('2.2.4').frame())).toBe(true);
  });
});

// ---------------------------------------------------------------- captured from librdkafka's mock

test.describe('frames captured from the mock (librdkafka 2.0.2) and from kafkajs 2.2.4', () => {
  const hex = (...parts: string[]) => Buffer.from(parts.join(''), 'hex');
  // Straight from the mock (no proxy): Metadata v2 for topic orders.placed (4 partitions) with
  // broker 1 at 127.0.0.1:39083 and controller_id 0; FindCoordinator v2 for group inventory;
  // ApiVersions v3, which the mock answers with UNSUPPORTED_VERSION.
  const metadataV2 = hex(
    '000000bc00000002000000010000000100093132372e302e302e31000098abffff00176d6f636b436c75737465723135386461313131623261340000' +
      '0000000000010000000d6f72646572732e706c6163656400000000040000000000000000000100000001000000010000000100000001000000000001' +
      '000000010000000100000001000000010000000100000000000200000001000000010000000100000001000000010000000000030000000100000001' +
      '000000010000000100000001',
  );
  const findCoordinatorV2 = hex('0000001f00000004000000000000ffff0000000100093132372e302e302e31000098ab');
  const apiVersionsV3Error = hex('000000110000000100230100120000000200000000');
  // kafkajs through the proxy: a Fetch v11 (max_wait 200 ms, topic "capture", 4 partitions), the
  // mock's empty and non-empty answers, and a Produce v7 (acks -1) with its answer.
  const fetchRequest = hex(
    '000000b10001000b00000000000763617074757265ffffffff000000c80000000100a000000100000000ffffffff0000000100076361707475726500' +
      '00000400000000ffffffff0000000000000000ffffffffffffffff0010000000000003ffffffff0000000000000000ffffffffffffffff0010000000' +
      '000002ffffffff0000000000000000ffffffffffffffff0010000000000001ffffffff0000000000000000ffffffffffffffff001000000000000000' +
      '00',
  );
  const fetchEmpty = hex(
    '000000c70000000000000000000000000000000000010007636170747572650000000400000000000000000000000000000000000000000000000000' +
      '000000000000000000ffffffff0000000000000003000000000000000000000000000000000000000000000000000000000000ffffffff0000000000' +
      '000002000000000000000000000000000000000000000000000000000000000000ffffffff0000000000000001000000000000000000000000000000' +
      '000000000000000000000000000000ffffffff00000000',
  );
  const fetchData = hex(
    '0000010d0000001600000000000000000000000000010007636170747572650000000400000003000000000000000000000000000000000000000000' +
      '000000000000000000ffffffff0000000000000000000000000000000000010000000000000001000000000000000000000000ffffffff0000004600' +
      '000000000000000000003a0000000002c9315ec3000000000000000001a221ef22a3000001a221ef22a3ffffffffffffffff00000000000000000001' +
      '10000000026b02760000000002000000000000000000000000000000000000000000000000000000000000ffffffff00000000000000010000000000' +
      '00000000000000000000000000000000000000000000000000ffffffff00000000',
  );
  const produceRequest = hex(
    '000000780000000700000000000763617074757265ffffffff0000753000000001000763617074757265000000010000000000000046000000000000' +
      '00000000003a0000000002c9315ec3000000000000000001a221ef22a3000001a221ef22a3ffffffffffffffff000000000000000000011000000002' +
      '6b027600',
  );

  test('Metadata v2: broker 1 advertised as kafka:9092, controller 1, partitions verbatim', () => {
    const out = rewriteResponse(metadataV2, API_METADATA, 2, advertised);
    expect(out.readInt32BE(0)).toBe(out.length - 4);
    const r = new Reader(out, 8, false);
    expect(r.length(true)).toBe(1);
    expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
    expect(r.string()).toBeNull(); // rack
    expect(r.string()).toMatch(/^mockCluster/);
    expect(r.i32()).toBe(1);
    expect(out.subarray(r.pos).equals(metadataV2.subarray(metadataV2.length - (out.length - r.pos)))).toBe(true);
  });

  test('FindCoordinator v2: coordinator 1 at kafka:9092', () => {
    const out = rewriteResponse(findCoordinatorV2, API_FIND_COORDINATOR, 2, advertised);
    const r = new Reader(out, 8, false);
    expect([r.i32(), r.i16(), r.string()]).toEqual([0, 0, null]);
    expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
    expect(r.pos).toBe(out.length);
  });

  test('ApiVersions v3 refused by the mock (a malformed v0 body): passed on unchanged', () => {
    expect(apiVersionsV3Error.readInt16BE(8)).toBe(35); // UNSUPPORTED_VERSION
    expect(rewriteResponse(apiVersionsV3Error, API_VERSIONS, 3, advertised).equals(apiVersionsV3Error)).toBe(true);
  });

  test("kafkajs Fetch v11: max_wait and the four partitions; the mock's answers: empty, then one batch", () => {
    const header = parseRequestHeader(fetchRequest);
    expect(header).toMatchObject({ apiKey: API_FETCH, apiVersion: 11, clientId: 'capture' });
    const fetch = parseFetchRequest(fetchRequest, header);
    expect(fetch.maxWaitMs).toBe(200);
    expect([...fetch.topics.keys()]).toEqual(['capture']);
    expect([...fetch.topics.get('capture')!].sort()).toEqual([0, 1, 2, 3]);
    expect(parseFetchRequest(withFetchMaxWait(fetchRequest, fetch, 0), header).maxWaitMs).toBe(0);
    expect(summarizeFetchResponse(fetchEmpty, 11)).toEqual({ error: false, recordBytes: 0 });
    const data = summarizeFetchResponse(fetchData, 11);
    expect(data.error).toBe(false);
    expect(data.recordBytes).toBeGreaterThan(60); // one record batch (61-byte header + the record)
  });

  test('kafkajs Produce v7: acks -1, topic capture, one partition', () => {
    const parsed = parseProduceRequest(produceRequest, parseRequestHeader(produceRequest));
    expect(parsed.acks).toBe(-1);
    expect([...parsed.topics.keys()]).toEqual(['capture']);
    expect(parsed.topics.get('capture')).toHaveLength(1);
    expect(expectsResponse(produceRequest)).toBe(true);
  });
});

// ---------------------------------------------------------------- splitting, gate, signal

test('FrameSplitter: frames come out whole whatever the chunking', () => {
  const frames = [metadataV1([{ id: 1, host: 'x', port: 1 }], 0), fetchV11(2, 10, [['t', [0]]]), response(3).frame()];
  const stream = Buffer.concat(frames);
  for (const chunkSize of [1, 2, 3, 5, 13, stream.length]) {
    const splitter = new FrameSplitter();
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; at += chunkSize)
      out.push(...splitter.push(stream.subarray(at, at + chunkSize)));
    expect(
      out.map((f) => f.toString('hex')),
      `chunks of ${chunkSize}`,
    ).toEqual(frames.map((f) => f.toString('hex')));
    expect(splitter.buffered).toBe(0);
  }
  const partial = new FrameSplitter();
  expect(partial.push(stream.subarray(0, 10))).toEqual([]);
  expect(partial.buffered).toBe(10);
});

test('RequestGate: one request at a time; an acks=0 produce does not hold the line', () => {
  const written: number[] = [];
  const gate = new RequestGate((frame) => written.push(frame.readInt32BE(8)));
  const sent: number[] = [];
  gate.send(fetchV11(1, 100, []), () => sent.push(1));
  gate.send(produce(7, 2, 0, [['t', [0]]]));
  gate.send(fetchV11(3, 100, []), () => sent.push(3));
  expect(written).toEqual([1]);
  expect(sent).toEqual([1]);
  gate.answered();
  expect(written).toEqual([1, 2, 3]); // the acks=0 produce expects no answer: the next goes at once
  expect(sent).toEqual([1, 3]);
  expect(gate.queued).toBe(0);
});

test('ProduceSignal: wakes the fetches of a produced topic-partition, and any-partition listeners', () => {
  const signal = new ProduceSignal();
  const woken: string[] = [];
  const key = (t: string, p: number) => `${t}\u0000${p}`;
  const offA = signal.subscribe([key('a', 0), key('a', 1)], () => woken.push('a'));
  const offAny = signal.subscribe([], () => woken.push('any'));
  signal.subscribe([key('b', 0)], () => woken.push('b'));
  signal.produced([key('a', 1), key('a', 0)]);
  expect(woken).toEqual(['any', 'a']); // once each
  woken.length = 0;
  offA();
  offAny();
  signal.produced([key('a', 0), key('b', 0)]);
  expect(woken).toEqual(['b']);
  expect(signal.listeners).toBe(1);
});

// ---------------------------------------------------------------- the proxy over sockets

/**
 * A fake broker: answers Fetch at once (max_wait ignored, like the mock with max_wait 0) with
 * whatever records `log` holds for the partition, Produce by appending, Metadata with its
 * loopback address. Records every request it got.
 */
async function fakeBroker() {
  const log = new Map<string, Buffer[]>();
  /** Records of an open transaction: visible once an EndTxn comes. */
  const pendingTxn = new Map<string, Buffer[]>();
  const requests: { apiKey: number; maxWaitMs?: number; at: number }[] = [];
  const server = net.createServer((socket) => {
    const splitter = new FrameSplitter();
    socket.on('data', (chunk) => {
      for (const frame of splitter.push(chunk)) {
        const header = parseRequestHeader(frame);
        if (header.apiKey === API_FETCH) {
          const fetch = parseFetchRequest(frame, header);
          requests.push({ apiKey: header.apiKey, maxWaitMs: fetch.maxWaitMs, at: performance.now() });
          const topics = [...fetch.topics].map(
            ([topic, ps]) =>
              [
                topic,
                ps.map((partition) => ({ partition, records: log.get(`${topic}/${partition}`)?.shift() ?? null })),
              ] as [string, FetchPartition[]],
          );
          socket.write(fetchResponse(header.apiVersion, header.correlationId, topics));
        } else if (header.apiKey === API_PRODUCE) {
          requests.push({ apiKey: header.apiKey, at: performance.now() });
          const parsed = parseProduceRequest(frame, header);
          for (const [topic, ps] of parsed.topics)
            for (const p of ps) log.set(`${topic}/${p}`, [...(log.get(`${topic}/${p}`) ?? []), Buffer.from('record')]);
          if (parsed.acks !== 0)
            socket.write(
              response(header.correlationId)
                .arr([], () => {})
                .i32(0)
                .frame(),
            );
        } else if (header.apiKey === API_END_TXN) {
          requests.push({ apiKey: header.apiKey, at: performance.now() });
          for (const [key, records] of pendingTxn) log.set(key, [...(log.get(key) ?? []), ...records]);
          pendingTxn.clear();
          socket.write(response(header.correlationId).i32(0).i16(0).frame());
        } else if (header.apiKey === API_METADATA) {
          requests.push({ apiKey: header.apiKey, at: performance.now() });
          const port = (server.address() as net.AddressInfo).port;
          socket.write(
            response(header.correlationId)
              .arr([1], (w, id) => w.i32(id).str('127.0.0.1').i32(port).str(null))
              .i32(0)
              .arr([], () => {})
              .frame(),
          );
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, requests, log, pendingTxn };
}

/** A client connection to the proxy that returns each response frame by correlation id. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const splitter = new FrameSplitter();
  const waiting = new Map<number, (frame: Buffer) => void>();
  /** Correlation ids of the responses, in the order they came. */
  const received: number[] = [];
  socket.on('data', (chunk) => {
    for (const frame of splitter.push(chunk)) {
      received.push(frame.readInt32BE(4));
      waiting.get(frame.readInt32BE(4))?.(frame);
    }
  });
  return {
    socket,
    received,
    send(frame: Buffer): Promise<{ frame: Buffer; ms: number }> {
      const started = performance.now();
      const answered = new Promise<{ frame: Buffer; ms: number }>((resolve) =>
        waiting.set(frame.readInt32BE(8), (f) => resolve({ frame: f, ms: performance.now() - started })),
      );
      socket.write(frame);
      return answered;
    },
  };
}

test.describe('the proxy in front of a fake broker', () => {
  let broker: Awaited<ReturnType<typeof fakeBroker>>;
  let proxy: RunningProxy;
  const logs: string[] = [];

  test.beforeEach(async () => {
    broker = await fakeBroker();
    proxy = await startProxy({
      listenPort: 0,
      listenHost: '127.0.0.1',
      upstreamPort: broker.port,
      advertised,
      log: (m) => logs.push(m),
    });
  });
  test.afterEach(async () => {
    await proxy.close();
    await new Promise((resolve) => broker.server.close(resolve));
  });
  const proxyPort = () => (proxy.server.address() as net.AddressInfo).port;

  test('Metadata through the proxy advertises kafka:9092', async () => {
    const client = await connect(proxyPort());
    const { frame } = await client.send(
      request(API_METADATA, 1, 40)
        .arr(['t'], (w, t) => w.str(t))
        .frame(),
    );
    const r = new Reader(frame, 8, false);
    r.length(true);
    expect(readBroker(r)).toEqual({ nodeId: 1, host: 'kafka', port: 9092 });
    client.socket.destroy();
  });

  test('an empty fetch is parked until a produce to its partition is acknowledged, then answered with the data', async () => {
    const consumer = await connect(proxyPort());
    const producer = await connect(proxyPort());
    const fetched = consumer.send(fetchV11(1, 5000, [['orders.placed', [0, 1]]]));
    await expect.poll(() => proxy.signal.listeners).toBe(1);
    // A produce to another partition: the fetch is asked again, still empty, and parked again.
    await producer.send(produce(7, 1, -1, [['orders.placed', [2]]]));
    await producer.send(produce(7, 2, -1, [['orders.placed', [1]]]));
    const { frame, ms } = await fetched;
    expect(summarizeFetchResponse(frame, 11)).toEqual({ error: false, recordBytes: 'record'.length });
    expect(ms).toBeLessThan(1000);
    // The broker only ever saw max_wait 0; asked once at first and once after the produce to partition 1.
    const fetches = broker.requests.filter((r) => r.apiKey === API_FETCH);
    expect(fetches.map((f) => f.maxWaitMs)).toEqual([0, 0]);
    expect(proxy.signal.listeners).toBe(0);
    consumer.socket.destroy();
    producer.socket.destroy();
  });

  test('a fetch nobody produces for is answered (empty) once its max_wait_ms is up, after one last look', async () => {
    const consumer = await connect(proxyPort());
    const { frame, ms } = await consumer.send(fetchV11(1, 300, [['quiet', [0]]]));
    expect(summarizeFetchResponse(frame, 11)).toEqual({ error: false, recordBytes: 0 });
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(2000);
    expect(broker.requests.filter((r) => r.apiKey === API_FETCH).map((f) => f.maxWaitMs)).toEqual([0, 0]);
    // The connection is usable afterwards: the next request goes through the gate.
    broker.log.set('quiet/0', [Buffer.from('late')]);
    const next = await consumer.send(fetchV11(2, 300, [['quiet', [0]]]));
    expect(summarizeFetchResponse(next.frame, 11).recordBytes).toBe(4);
    expect(next.ms).toBeLessThan(250);
    consumer.socket.destroy();
  });

  test('data already there is answered at once, and max_wait 0 is never parked', async () => {
    broker.log.set('busy/0', [Buffer.from('ready')]);
    const consumer = await connect(proxyPort());
    expect((await consumer.send(fetchV11(1, 5000, [['busy', [0]]]))).ms).toBeLessThan(250);
    const immediate = await consumer.send(fetchV11(2, 0, [['busy', [0]]]));
    expect(summarizeFetchResponse(immediate.frame, 11).recordBytes).toBe(0);
    expect(immediate.ms).toBeLessThan(250);
    consumer.socket.destroy();
  });

  test('a parked fetch is asked again when a transaction ends (read_committed sees records only then)', async () => {
    const consumer = await connect(proxyPort());
    const producer = await connect(proxyPort());
    const fetched = consumer.send(fetchV11(1, 5000, [['tx', [0]]]));
    await expect.poll(() => proxy.signal.listeners).toBe(1);
    broker.pendingTxn.set('tx/0', [Buffer.from('committed')]);
    // EndTxn v1: transactional_id, producer_id, producer_epoch, committed
    await producer.send(request(API_END_TXN, 1, 9).str('tx-1').i64(1).i16(0).i8(1).frame());
    const { frame, ms } = await fetched;
    expect(summarizeFetchResponse(frame, 11).recordBytes).toBe('committed'.length);
    expect(ms).toBeLessThan(1000);
    consumer.socket.destroy();
    producer.socket.destroy();
  });

  test('group requests are answered by the proxy, in their place in the connection order', async () => {
    const joinGroup = (correlationId: number, memberId: string) =>
      request(API_JOIN_GROUP, 5, correlationId)
        .str('g')
        .i32(6000)
        .i32(10000)
        .str(memberId)
        .str(null)
        .str('consumer')
        .arr(['roundrobin'], (w, name) => w.str(name).bytes(Buffer.from('sub')))
        .frame();
    const heartbeat = (correlationId: number, memberId: string, generation: number) =>
      request(API_HEARTBEAT, 3, correlationId).str('g').i32(generation).str(memberId).str(null).frame();
    const joined = (frame: Buffer) => {
      const r = new Reader(frame, 8, false);
      r.i32(); // throttle_time_ms
      return {
        errorCode: r.i16(),
        generation: r.i32(),
        protocol: r.string(),
        leader: r.string(),
        memberId: r.string() ?? '',
      };
    };
    const metadata = (correlationId: number) =>
      request(API_METADATA, 1, correlationId)
        .arr(['t'], (w, t) => w.str(t))
        .frame();

    const a = await connect(proxyPort());
    const first = joined((await a.send(joinGroup(1, ''))).frame);
    expect(first).toMatchObject({ errorCode: 0, generation: 1, protocol: 'roundrobin', leader: first.memberId });
    expect(first.memberId).toMatch(/^unit-[0-9a-f-]{36}$/); // <clientId>-<uuid>
    // SyncGroup v3 from the leader: the group is stable.
    const synced = await a.send(
      request(API_SYNC_GROUP, 3, 2)
        .str('g')
        .i32(1)
        .str(first.memberId)
        .str(null)
        .arr([first.memberId], (w, id) => w.str(id).bytes(Buffer.from('all')))
        .frame(),
    );
    expect(synced.frame.subarray(8)).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 3, ...Buffer.from('all')]));

    // A second member's JoinGroup is parked, and holds its connection: the Metadata request
    // pipelined behind it is answered only after it.
    const b = await connect(proxyPort());
    const secondJoin = b.send(joinGroup(10, ''));
    const secondMetadata = b.send(metadata(11));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(b.received).toEqual([]);
    // The first member hears of the rebalance on its heartbeat and rejoins.
    expect((await a.send(heartbeat(3, first.memberId, 1))).frame.readInt16BE(12)).toBe(27);
    const rejoined = joined((await a.send(joinGroup(4, first.memberId))).frame);
    expect(rejoined).toMatchObject({ errorCode: 0, generation: 2, leader: first.memberId });
    expect(joined((await secondJoin).frame)).toMatchObject({ errorCode: 0, generation: 2, leader: first.memberId });
    await secondMetadata;
    expect(b.received).toEqual([10, 11]);

    // A heartbeat pipelined behind a parked fetch waits for it, as on a broker.
    const fetched = a.send(fetchV11(5, 300, [['quiet', [0]]]));
    const beat = a.send(heartbeat(6, first.memberId, 2));
    expect((await beat).frame.readInt16BE(12)).toBe(0);
    await fetched;
    expect(a.received.slice(-2)).toEqual([5, 6]);
    expect((await beat).ms).toBeGreaterThanOrEqual(290);

    // None of it reached the broker; LeaveGroup v1 (librdkafka's) is answered too.
    expect(broker.requests.map((r) => r.apiKey)).toEqual([API_METADATA, API_FETCH, API_FETCH]);
    const left = await a.send(request(API_LEAVE_GROUP, 1, 7).str('g').str(first.memberId).frame());
    expect(left.frame.subarray(8)).toEqual(Buffer.from([0, 0, 0, 0, 0, 0]));
    expect(proxy.groups.describe('g')).toMatchObject({
      state: 'PreparingRebalance',
      members: [joined((await secondJoin).frame).memberId],
    });
    a.socket.destroy();
    b.socket.destroy();
  });

  test('a group request in a version above the clamp closes the connection, as a broker does', async () => {
    const client = await connect(proxyPort());
    const closed = new Promise((resolve) => client.socket.once('close', resolve));
    client.socket.write(request(API_HEARTBEAT, 4, 1, true).str('g').i32(1).str('m').str(null).tags().frame());
    await closed;
    expect(logs.some((l) => /api 12 v4: cannot parse Heartbeat v4/.test(l))).toBe(true);
  });

  test('a client that goes away while its fetch is parked leaves nothing behind', async () => {
    const consumer = await connect(proxyPort());
    void consumer.send(fetchV11(1, 5000, [['gone', [0]]]));
    await expect.poll(() => proxy.signal.listeners).toBe(1);
    consumer.socket.destroy();
    await expect.poll(() => proxy.signal.listeners).toBe(0);
    await expect.poll(() => proxy.connections()).toBe(0);
  });
});
