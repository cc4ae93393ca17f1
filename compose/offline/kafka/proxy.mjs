// Kafka-aware TCP proxy in front of librdkafka's mock cluster.
//
// The mock listens on 127.0.0.1 only and tells clients (in Metadata and
// FindCoordinator responses) to reconnect to 127.0.0.1:<random port>, which is
// useless to other containers and to the host. This proxy forwards every byte
// unchanged except those two responses, where the broker address becomes the
// advertised one, and ApiVersions, where the max versions of those two APIs are
// clamped to the ones parsed here so no client negotiates a layout we can't read.
// Metadata also gets a real controller id (see below), Fetch requests get
// their max_wait_ms capped (see capFetchWait), and requests reach the mock one
// at a time per connection, as a real broker takes them (see RequestGate).
import net from 'node:net';

const API_PRODUCE = 0;
const API_METADATA = 3;
const API_FIND_COORDINATOR = 10;
const API_VERSIONS = 18;
const API_FETCH = 1;

// Highest versions parsed below (Metadata v13 / FindCoordinator v5 exist upstream).
const MAX_VERSION = { [API_METADATA]: 12, [API_FIND_COORDINATOR]: 4 };
// First versions using compact ("flexible") encoding, per the Kafka protocol spec.
const FIRST_FLEXIBLE = { [API_METADATA]: 9, [API_FIND_COORDINATOR]: 3, [API_VERSIONS]: 3 };

/** Sequential reader over a response body; `flexible` selects compact encodings. */
class Reader {
  constructor(buf, pos, flexible) {
    Object.assign(this, { buf, pos, flexible });
  }
  i16() { const v = this.buf.readInt16BE(this.pos); this.pos += 2; return v; }
  i32() { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  uvarint() {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buf[this.pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }
  /** Length of a (nullable) string or array; -1 means null. */
  length(isArray) {
    if (this.flexible) return this.uvarint() - 1;
    return isArray ? this.i32() : this.i16();
  }
  skipString() { const n = this.length(false); if (n > 0) this.pos += n; }
  skipTaggedFields() {
    if (!this.flexible) return;
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint(); // tag
      this.pos += this.uvarint(); // size + data
    }
  }
}

function uvarint(value) {
  const bytes = [];
  for (; value >= 0x80; value = Math.floor(value / 128)) bytes.push((value & 0x7f) | 0x80);
  bytes.push(value);
  return Buffer.from(bytes);
}

/** Encoded host string followed by the int32 port, in the request's encoding. */
function encodeAddress(host, port, flexible) {
  const name = Buffer.from(host, 'utf8');
  const len = flexible ? uvarint(name.length + 1) : Buffer.alloc(2);
  if (!flexible) len.writeInt16BE(name.length);
  const portBuf = Buffer.alloc(4);
  portBuf.writeInt32BE(port);
  return Buffer.concat([len, name, portBuf]);
}

/** Reads a host string + port at the reader's position and records its replacement. */
function replaceAddress(r, edits, address) {
  const start = r.pos;
  r.skipString();
  r.pos += 4;
  edits.push([start, r.pos, address]);
}

/** Applies [start, end, replacement] edits (sorted) and fixes the size prefix. */
function applyEdits(frame, edits) {
  const parts = [];
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
 * Rewrites one complete response frame (size prefix included) for a request
 * of (apiKey, version). Only the leading fields of each body are parsed; the
 * rest is copied verbatim.
 */
export function rewriteResponse(frame, apiKey, version, advertised) {
  if (apiKey === API_VERSIONS) return clampApiVersions(frame, version);
  const flexible = version >= FIRST_FLEXIBLE[apiKey];
  // Response header v1 (flexible) carries tagged fields after the correlation id.
  const r = new Reader(frame, 8, flexible);
  r.skipTaggedFields();
  const address = encodeAddress(advertised.host, advertised.port, flexible);
  const edits = [];

  if (apiKey === API_METADATA) {
    if (version >= 3) r.i32(); // throttle_time_ms
    const nodeIds = [];
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
      controller.writeInt32BE(nodeIds[0]);
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

/** Lowers max versions in place; the ApiVersions response header is always v0. */
function clampApiVersions(frame, version) {
  const r = new Reader(frame, 8, false);
  // On error (e.g. unsupported version) brokers answer with a v0 body.
  if (r.i16() === 0) r.flexible = version >= FIRST_FLEXIBLE[API_VERSIONS];
  for (let n = r.length(true); n > 0; n--) {
    const key = r.i16();
    r.i16(); // min_version
    const max = MAX_VERSION[key];
    if (max !== undefined && frame.readInt16BE(r.pos) > max) frame.writeInt16BE(max, r.pos);
    r.pos += 2;
    r.skipTaggedFields();
  }
  return frame;
}

/**
 * The mock does not answer a waiting Fetch when new data arrives; it always
 * sleeps the full max_wait_ms (kafkajs default 5000 ms, so ~5 s end-to-end
 * latency). Capping the wait makes empty fetches return early and the client
 * poll again, like a real broker answering as soon as data is there.
 * Fetch v0-11 (all the mock speaks): header, client_id, replica_id, max_wait_ms.
 */
function capFetchWait(frame, version, maxWaitMs) {
  if (version > 11) return frame;
  const clientIdLen = Math.max(frame.readInt16BE(12), 0);
  const at = 14 + clientIdLen + 4;
  if (frame.readInt32BE(at) > maxWaitMs) frame.writeInt32BE(maxWaitMs, at);
  return frame;
}

/**
 * Splits a byte stream into size-prefixed frames. Once `headerLen` bytes of a
 * frame are in, `decide(header)` returns null to stream the frame through as it
 * arrives (Fetch/Produce can be megabytes) or a function to rewrite the whole
 * frame once buffered. `sink.write` gets the bytes, `sink.frameEnd` is called
 * after the last byte of each frame.
 */
function frameStream(src, dst, headerLen, decide, sink, log) {
  let head = Buffer.alloc(0);
  let remaining = 0; // bytes of the current frame still to come
  let collected = null; // buffered parts when the current frame is rewritten
  let rewrite = null;

  function emit(bytes) {
    if (collected) collected.push(bytes);
    else sink.write(bytes);
    if (remaining > 0) return;
    if (collected) {
      const frame = Buffer.concat(collected);
      collected = null;
      try {
        sink.write(rewrite(frame));
      } catch (err) {
        // Better an unmodified frame than a dead broker; the log says why.
        log(`passing a frame through unmodified: ${err.message}`);
        sink.write(frame);
      }
    }
    sink.frameEnd();
  }

  src.on('data', (chunk) => {
    while (chunk.length > 0) {
      if (remaining === 0) {
        head = Buffer.concat([head, chunk]);
        chunk = Buffer.alloc(0);
        if (head.length < headerLen) break;
        const frameLen = 4 + head.readInt32BE(0);
        rewrite = decide(head);
        collected = rewrite ? [] : null;
        const inHead = Math.min(frameLen, head.length);
        remaining = frameLen - inHead;
        chunk = head.subarray(inHead);
        const first = head.subarray(0, inHead);
        head = Buffer.alloc(0);
        emit(first);
      } else {
        const take = Math.min(remaining, chunk.length);
        remaining -= take;
        const part = chunk.subarray(0, take);
        chunk = chunk.subarray(take);
        emit(part);
      }
    }
    // Backpressure: stop reading while the other side's buffer is full.
    if (dst.writableNeedDrain) {
      src.pause();
      dst.once('drain', () => src.resume());
    }
  });
}

/**
 * Passes requests to the mock one at a time, the next once the previous one is
 * answered, as a real broker does (it mutes a connection while a request is in
 * flight). The mock instead reads pipelined requests at once and writes their
 * responses back to back; the second one then waits for the client's delayed
 * ACK, ~40 ms per round trip (kafkajs pipelines, e.g. ListOffsets per topic).
 */
class RequestGate {
  #queue = [];
  #inFlight = false;

  constructor(upstream) {
    this.upstream = upstream;
  }

  send(frame) {
    this.#queue.push(frame);
    this.#next();
  }

  /** The response to the request in flight has been passed on. */
  answered() {
    this.#inFlight = false;
    this.#next();
  }

  #next() {
    while (!this.#inFlight && this.#queue.length > 0) {
      const frame = this.#queue.shift();
      this.upstream.write(frame);
      this.#inFlight = expectsResponse(frame);
    }
  }
}

/** Every request is answered except a Produce with acks=0. */
function expectsResponse(frame) {
  if (frame.readInt16BE(4) !== API_PRODUCE) return true;
  const version = frame.readInt16BE(6);
  const clientIdLen = Math.max(frame.readInt16BE(12), 0);
  const flexible = version >= 9;
  const r = new Reader(frame, 14 + clientIdLen, flexible);
  r.skipTaggedFields(); // request header v2
  if (version >= 3) r.skipString(); // transactional_id
  return r.i16() !== 0; // acks
}

/** Starts the proxy; resolves with the listening server. */
export function startProxy({ listenPort, upstreamPort, advertised, fetchMaxWaitMs, log }) {
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    // Requests and responses are written in pieces (size, header, body) and clients pipeline
    // them: with Nagle on, the second piece waits for a delayed ACK, ~40 ms per round trip.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // correlation_id -> [api_key, api_version] for responses we must rewrite.
    const pending = new Map();

    const gate = new RequestGate(upstream);
    let requestParts = [];
    frameStream(client, upstream, 12, (h) => {
      const apiKey = h.readInt16BE(4);
      const version = h.readInt16BE(6);
      if (apiKey === API_METADATA || apiKey === API_FIND_COORDINATOR || apiKey === API_VERSIONS) {
        pending.set(h.readInt32BE(8), [apiKey, version]);
      }
      if (apiKey === API_FETCH) return (frame) => capFetchWait(frame, version, fetchMaxWaitMs);
      return null; // all other requests pass through untouched
    }, {
      // Requests are small except Produce; a test broker can buffer each one whole.
      write: (bytes) => requestParts.push(bytes),
      frameEnd: () => {
        const frame = Buffer.concat(requestParts);
        requestParts = [];
        gate.send(frame);
      },
    }, log);

    frameStream(upstream, client, 8, (h) => {
      const correlationId = h.readInt32BE(4);
      const request = pending.get(correlationId);
      if (!request) return null;
      pending.delete(correlationId);
      return (frame) => rewriteResponse(frame, request[0], request[1], advertised);
    }, { write: (bytes) => client.write(bytes), frameEnd: () => gate.answered() }, log);

    const close = () => { client.destroy(); upstream.destroy(); };
    for (const socket of [client, upstream]) {
      socket.on('error', close); // resets are normal when clients go away
      socket.on('close', close);
    }
  });
  server.on('error', (err) => log(`proxy error: ${err.message}`));
  return new Promise((resolve) => server.listen(listenPort, '0.0.0.0', () => resolve(server)));
}
