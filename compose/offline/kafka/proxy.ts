// Kafka-aware TCP proxy in front of librdkafka's mock cluster: the socket side.
// Frame parsing and rewriting live in protocol.ts (pure, unit-tested).
//
// The mock listens on 127.0.0.1 only and tells clients (in Metadata and
// FindCoordinator responses) to reconnect to 127.0.0.1:<random port>, which is
// useless to other containers and to the host. This proxy forwards every byte
// unchanged except those two responses (advertised address, real controller id)
// and ApiVersions (versions clamped to what protocol.ts parses). On top of that:
// - requests reach the mock one at a time per connection, as a real broker takes
//   them (RequestGate);
// - Fetch long-polls are answered like a real broker does (FetchParking): the
//   mock never answers a waiting Fetch early when data arrives, so the proxy asks
//   it with max_wait 0 and, when nothing is there, parks the fetch until a Produce
//   to one of its topic-partitions (or an EndTxn) has been acknowledged through the
//   proxy (every produce passes here) or the client's own max_wait_ms is up;
// - group membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) is answered here
//   by a GroupCoordinator shared by all connections, never by the mock, whose
//   coordinator delays every first join by 3 s. Those answers keep their place in the
//   connection's request order (RequestGate.local).
import net from 'node:net';
import { GroupCoordinator } from './group-coordinator.ts';
import {
  decodeHeartbeat,
  decodeJoinGroup,
  decodeLeaveGroup,
  decodeSyncGroup,
  encodeHeartbeatResponse,
  encodeJoinGroupResponse,
  encodeLeaveGroupResponse,
  encodeSyncGroupResponse,
} from './group-messages.ts';
import {
  type Advertised,
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
  expectsResponse,
  FrameSplitter,
  MAX_VERSION,
  parseFetchRequest,
  parseProduceRequest,
  parseRequestHeader,
  type RequestHeader,
  rewriteResponse,
  summarizeFetchResponse,
  withFetchMaxWait,
} from './protocol.ts';

export type Log = (message: string) => void;

export interface ProxyOptions {
  listenPort: number;
  /** Default 0.0.0.0. */
  listenHost?: string;
  upstreamPort: number;
  /** Default 127.0.0.1. */
  upstreamHost?: string;
  advertised: Advertised;
  /** Longest a Fetch is parked; default: the client's own max_wait_ms. 0 = never park. */
  fetchMaxWaitMs?: number;
  log: Log;
}

// A Produce with acks=0 gets no answer to wait for; give the mock this long to append it.
const ACKS0_WAKE_DELAY_MS = 5;

const GROUP_APIS = new Set([API_JOIN_GROUP, API_SYNC_GROUP, API_HEARTBEAT, API_LEAVE_GROUP]);

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function partitionKeys(topics: Map<string, number[]>): string[] {
  return [...topics].flatMap(([topic, partitions]) => partitions.map((p) => partitionKey(topic, p)));
}

/** Tells parked fetches that a produce to their topic-partitions is in the log. Shared by all connections. */
export class ProduceSignal {
  #byKey = new Map<string, Set<() => void>>();
  #any = new Set<() => void>();

  /** `keys` empty: wake on any produce (e.g. a fetch-session request listing no partitions). */
  subscribe(keys: readonly string[], wake: () => void): () => void {
    if (keys.length === 0) {
      this.#any.add(wake);
      return () => this.#any.delete(wake);
    }
    for (const key of keys) {
      let set = this.#byKey.get(key);
      if (!set) {
        set = new Set();
        this.#byKey.set(key, set);
      }
      set.add(wake);
    }
    return () => {
      for (const key of keys) {
        const set = this.#byKey.get(key);
        set?.delete(wake);
        if (set?.size === 0) this.#byKey.delete(key);
      }
    };
  }

  produced(keys: readonly string[]): void {
    const woken = new Set(this.#any);
    for (const key of keys) for (const wake of this.#byKey.get(key) ?? []) woken.add(wake);
    for (const wake of woken) wake();
  }

  /** A transaction ended: its records become visible to read_committed fetches, whatever their partitions. */
  transactionEnded(): void {
    const woken = new Set(this.#any);
    for (const set of this.#byKey.values()) for (const wake of set) woken.add(wake);
    for (const wake of woken) wake();
  }

  /** Parked fetches listening (for tests and logs). */
  get listeners(): number {
    const all = new Set(this.#any);
    for (const set of this.#byKey.values()) for (const wake of set) all.add(wake);
    return all.size;
  }
}

type GateEntry = { frame: Buffer; onSend: (() => void) | undefined } | { answer: () => void };

/**
 * Passes requests to the mock one at a time, the next once the previous one is
 * answered, as a real broker does (it mutes a connection while a request is in
 * flight). The mock instead reads pipelined requests at once and writes their
 * responses back to back; the second one then waits for the client's delayed
 * ACK, ~40 ms per round trip (kafkajs pipelines, e.g. ListOffsets per topic).
 * A parked Fetch keeps its connection muted, as on a real broker. Requests the
 * proxy answers itself queue here too, so responses keep the requests' order.
 */
export class RequestGate {
  #queue: GateEntry[] = [];
  #inFlight = false;
  #draining = false;

  constructor(private readonly write: (frame: Buffer) => void) {}

  /** Queues a request; `onSend` runs right before it goes to the mock. */
  send(frame: Buffer, onSend?: () => void): void {
    this.#queue.push({ frame, onSend });
    this.#next();
  }

  /**
   * Queues a request answered by the proxy: `answer` runs once every earlier request is answered,
   * and `answered()` must follow once its response is written (later requests wait till then,
   * so a parked JoinGroup holds its connection as on a broker).
   */
  local(answer: () => void): void {
    this.#queue.push({ answer });
    this.#next();
  }

  /** The response to the request in flight has been passed on. */
  answered(): void {
    this.#inFlight = false;
    this.#next();
  }

  get queued(): number {
    return this.#queue.length;
  }

  #next(): void {
    // A local answer may come at once, calling answered() from inside this loop: the loop goes on.
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (!this.#inFlight && this.#queue.length > 0) {
        const entry = this.#queue.shift()!;
        if ('answer' in entry) {
          this.#inFlight = true;
          entry.answer();
          continue;
        }
        entry.onSend?.();
        this.write(entry.frame);
        this.#inFlight = expectsResponse(entry.frame);
      }
    } finally {
      this.#draining = false;
    }
  }
}

interface ParkedFetch {
  correlationId: number;
  version: number;
  /** The client's request with max_wait_ms 0: the mock answers it at once. */
  frame: Buffer;
  /** A copy of `frame` is at the mock, not answered yet. */
  outstanding: boolean;
  /** A produce landed while a copy was outstanding: that answer may predate it, ask again. */
  wokenWhileOutstanding: boolean;
  /** max_wait_ms is up: the next answer goes to the client, empty or not. */
  final: boolean;
  timer: NodeJS.Timeout;
  unsubscribe: () => void;
}

/** One client connection and its connection to the mock. */
class ProxiedConnection {
  readonly #pending = new Map<number, { apiKey: number; version: number }>();
  readonly #produces = new Map<number, string[]>();
  readonly #endTxns = new Set<number>();
  readonly #gate: RequestGate;
  #parked: ParkedFetch | undefined;
  #closed = false;

  constructor(
    private readonly client: net.Socket,
    private readonly upstream: net.Socket,
    private readonly options: ProxyOptions,
    private readonly signal: ProduceSignal,
    private readonly groups: GroupCoordinator,
  ) {
    this.#gate = new RequestGate((frame) => upstream.write(frame));
    pipeFrames(client, upstream, (frame) => this.#onRequest(frame), options.log);
    pipeFrames(upstream, client, (frame) => this.#onResponse(frame), options.log);
  }

  close(): void {
    // Answers still to come for parked group requests go nowhere, as on a broker.
    this.#closed = true;
    this.#unpark();
  }

  #onRequest(frame: Buffer): void {
    let header: RequestHeader;
    try {
      header = parseRequestHeader(frame);
    } catch (err) {
      this.options.log(`passing a request through unparsed: ${(err as Error).message}`);
      this.#gate.send(frame);
      return;
    }
    const { apiKey, apiVersion: version, correlationId } = header;
    if (GROUP_APIS.has(apiKey)) {
      this.#group(frame, header);
      return;
    }
    try {
      if (apiKey === API_METADATA || apiKey === API_FIND_COORDINATOR || apiKey === API_VERSIONS) {
        this.#pending.set(correlationId, { apiKey, version });
      } else if (apiKey === API_FETCH && version <= MAX_VERSION[API_FETCH]!) {
        this.#fetch(frame, header);
        return;
      } else if (apiKey === API_END_TXN) {
        // read_committed consumers (kafkajs's default) see a transaction's records only once it
        // is committed: wake every parked fetch when the EndTxn is answered.
        this.#endTxns.add(correlationId);
      } else if (apiKey === API_PRODUCE) {
        const produce = parseProduceRequest(frame, header);
        const keys = partitionKeys(produce.topics);
        if (produce.acks === 0) {
          this.#gate.send(frame);
          setTimeout(() => this.signal.produced(keys), ACKS0_WAKE_DELAY_MS);
          return;
        }
        this.#produces.set(correlationId, keys);
      }
    } catch (err) {
      this.options.log(`passing api ${apiKey} v${version} through: ${(err as Error).message}`);
    }
    this.#gate.send(frame);
  }

  /** Sends the fetch with max_wait 0; parks it (once it is the request in flight) if the client may wait. */
  #fetch(frame: Buffer, header: RequestHeader): void {
    const fetch = parseFetchRequest(frame, header);
    const cap = this.options.fetchMaxWaitMs;
    const waitMs = cap === undefined ? fetch.maxWaitMs : Math.min(fetch.maxWaitMs, cap);
    const immediate = withFetchMaxWait(frame, fetch, 0);
    if (waitMs <= 0) {
      this.#gate.send(immediate);
      return;
    }
    this.#gate.send(immediate, () => {
      const parked: ParkedFetch = {
        correlationId: header.correlationId,
        version: header.apiVersion,
        frame: immediate,
        outstanding: true,
        wokenWhileOutstanding: false,
        final: false,
        timer: setTimeout(() => {
          parked.final = true;
          if (!parked.outstanding) this.#ask(parked);
        }, waitMs),
        // Subscribed before the mock is asked: a produce acknowledged in between is not missed.
        unsubscribe: this.signal.subscribe(partitionKeys(fetch.topics), () => {
          if (parked.outstanding) parked.wokenWhileOutstanding = true;
          else this.#ask(parked);
        }),
      };
      this.#parked = parked;
    });
  }

  /**
   * JoinGroup, SyncGroup, Heartbeat, LeaveGroup: answered by the coordinator in the connection's
   * request order. Never forwarded: a group the mock knows would make it check OffsetCommit's
   * member and generation against its own (empty) membership.
   */
  #group(frame: Buffer, header: RequestHeader): void {
    const { apiKey, apiVersion: version, correlationId, clientId } = header;
    let answer: (respond: (response: Buffer) => void) => void;
    try {
      if (apiKey === API_JOIN_GROUP) {
        const request = decodeJoinGroup(frame, header);
        answer = (respond) =>
          this.groups.joinGroup(request, clientId ?? '', (result) =>
            respond(encodeJoinGroupResponse(correlationId, version, result)),
          );
      } else if (apiKey === API_SYNC_GROUP) {
        const request = decodeSyncGroup(frame, header);
        answer = (respond) =>
          this.groups.syncGroup(request, (result) => respond(encodeSyncGroupResponse(correlationId, version, result)));
      } else if (apiKey === API_HEARTBEAT) {
        const request = decodeHeartbeat(frame, header);
        answer = (respond) => respond(encodeHeartbeatResponse(correlationId, version, this.groups.heartbeat(request)));
      } else {
        const request = decodeLeaveGroup(frame, header);
        answer = (respond) =>
          respond(encodeLeaveGroupResponse(correlationId, version, this.groups.leaveGroup(request)));
      }
    } catch (err) {
      // A version above the clamped ApiVersions, or a malformed frame: a broker closes the connection.
      this.options.log(`closing a connection: api ${apiKey} v${version}: ${(err as Error).message}`);
      this.client.destroy();
      this.upstream.destroy();
      return;
    }
    this.#gate.local(() =>
      answer((response) => {
        if (this.#closed) return;
        this.client.write(response);
        this.#gate.answered();
      }),
    );
  }

  #ask(parked: ParkedFetch): void {
    parked.outstanding = true;
    parked.wokenWhileOutstanding = false;
    this.upstream.write(parked.frame);
  }

  #unpark(): void {
    const parked = this.#parked;
    if (!parked) return;
    clearTimeout(parked.timer);
    parked.unsubscribe();
    this.#parked = undefined;
  }

  #onResponse(received: Buffer): void {
    let frame = received;
    const correlationId = frame.readInt32BE(4);
    const parked = this.#parked;
    if (parked && parked.correlationId === correlationId) {
      parked.outstanding = false;
      if (!this.#deliverFetch(parked, frame)) {
        if (parked.wokenWhileOutstanding) this.#ask(parked);
        return; // parked: the timer or a produce asks again
      }
      this.#unpark();
    } else {
      const rewrite = this.#pending.get(correlationId);
      if (rewrite) {
        this.#pending.delete(correlationId);
        try {
          frame = rewriteResponse(frame, rewrite.apiKey, rewrite.version, this.options.advertised);
        } catch (err) {
          // Better an unmodified frame than a dead broker; the log says why.
          this.options.log(
            `passing api ${rewrite.apiKey} v${rewrite.version} response through unmodified: ${(err as Error).message}`,
          );
        }
      }
    }
    this.client.write(frame);
    this.#gate.answered();
    const produced = this.#produces.get(correlationId);
    if (produced) {
      this.#produces.delete(correlationId);
      this.signal.produced(produced);
    } else if (this.#endTxns.delete(correlationId)) {
      this.signal.transactionEnded();
    }
  }

  /** True when this answer goes to the client now. */
  #deliverFetch(parked: ParkedFetch, frame: Buffer): boolean {
    if (parked.final) return true;
    try {
      const { error, recordBytes } = summarizeFetchResponse(frame, parked.version);
      return error || recordBytes > 0;
    } catch (err) {
      this.options.log(`passing a fetch response through: ${(err as Error).message}`);
      return true;
    }
  }
}

/** Reads size-prefixed frames from `src` and hands each to `onFrame`; pauses `src` while `dst` is full. */
function pipeFrames(src: net.Socket, dst: net.Socket, onFrame: (frame: Buffer) => void, log: Log): void {
  const splitter = new FrameSplitter();
  src.on('data', (chunk: Buffer) => {
    let frames: Buffer[];
    try {
      frames = splitter.push(chunk);
    } catch (err) {
      log(`closing a connection: ${(err as Error).message}`);
      src.destroy();
      dst.destroy();
      return;
    }
    for (const frame of frames) onFrame(frame);
    if (dst.writableNeedDrain) {
      src.pause();
      dst.once('drain', () => src.resume());
    }
  });
}

export interface RunningProxy {
  server: net.Server;
  signal: ProduceSignal;
  groups: GroupCoordinator;
  /** Open client connections. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts the proxy; resolves once it listens. */
export function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const signal = new ProduceSignal();
  const groups = new GroupCoordinator({ log: options.log });
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(options.upstreamPort, options.upstreamHost ?? '127.0.0.1');
    // Requests and responses are written in pieces (size, header, body) and clients pipeline
    // them: with Nagle on, the second piece waits for a delayed ACK, ~40 ms per round trip.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client);
    const connection = new ProxiedConnection(client, upstream, options, signal, groups);
    const close = () => {
      open.delete(client);
      connection.close();
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close); // resets are normal when clients go away
      socket.on('close', close);
    }
  });
  server.on('error', (err) => options.log(`proxy error: ${err.message}`));
  return new Promise((resolve) =>
    server.listen(options.listenPort, options.listenHost ?? '0.0.0.0', () =>
      resolve({
        server,
        signal,
        groups,
        connections: () => open.size,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}
