// The only way into Docker. Everything the runner asks of the engine (containers, networks, volumes,
// images, events, exec, logs, stats, Compose) is a method here; the rest of src/ holds an Engine and
// never spawns `docker` or opens the socket itself. One Engine per endpoint, chosen once: the API
// socket where the endpoint is a local unix socket (a few ms a request), the CLI otherwise (it knows
// tcp with TLS, ssh and every context). The unit lane drives stack, teardown, reap and faults through
// a recording fake of this interface (test/unit/recording-engine.ts). Which Engine a process
// uses is current-engine.ts's choice.
import type { ComposeTarget } from './compose.ts';
import type { ContainerState, NetworkAttachment } from './container-state.ts';
import type { EngineEndpoint } from './endpoint.ts';
import type { StatsSource } from './stats-source.ts';

/** What a `docker` or `docker compose` process answered. */
export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ComposeOptions {
  timeoutMs?: number;
  /** Aborting stops Compose (SIGTERM): Ctrl-C mid-`up`. */
  signal?: AbortSignal;
  /** Each chunk as it arrives (`journeys logs --follow`). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

/** A lifecycle event of a container, as `docker events` reports it. */
export interface EngineEvent {
  at: Date;
  service: string;
  container: string;
  action: string;
  exitCode?: string;
}

/** A container, network or volume carrying our labels: what `reap` and `status` decide from. */
export interface ManagedResource {
  labels: Record<string, string>;
  /** Containers only. */
  createdAt?: Date;
}

/** An image with its tags and labels: what deciding whether it is ours and stale needs. */
export interface LabelledImage {
  id: string;
  tags: string[];
  labels: Record<string, string>;
}

export interface ImageContents {
  /** RootFS layer digests, base first. */
  layers: string[];
  /** `name@sha256:…` for a pulled image; none for one built here. */
  digests: string[];
}

/** What `docker info` says of the engine. */
export interface EngineInfo {
  serverVersion: string;
  operatingSystem: string;
  /** Where the engine keeps images and volumes, on the engine's own machine. */
  rootDir: string;
}

export type ContainerAction = 'stop' | 'start' | 'restart' | 'pause' | 'unpause';

export interface Engine {
  readonly endpoint: EngineEndpoint;

  /** The engine's version; DOCKER_UNAVAILABLE when there is no engine to ask. */
  version(): Promise<string>;
  /** `docker info`; DOCKER_UNAVAILABLE when there is no engine to ask. */
  info(): Promise<EngineInfo>;
  /** The Compose plugin's version (`2.26.1`); undefined when the CLI has no working `compose`. */
  composeVersion(): Promise<string | undefined>;
  /** `docker compose <target's files> <args>`, in the project's directory. */
  compose(target: ComposeTarget, args: readonly string[], options?: ComposeOptions): Promise<CommandOutput>;

  /** Every container of a project, stopped ones included, fully inspected (health log, networks, OOM). */
  listContainers(projectName: string): Promise<ContainerState[]>;
  /** Every container of a project at a glance: state, health, exit code, our labels, ports. One request. */
  glanceContainers(projectName: string): Promise<ContainerState[]>;
  /** The same, blocking (Playwright loads its config synchronously); undefined when no engine answers. */
  glanceContainersSync(projectName: string): ContainerState[] | undefined;
  /** Throws an EngineCommandError naming the command when the engine refuses. */
  containerAction(action: ContainerAction, id: string): Promise<void>;
  killContainer(id: string, signal: string): Promise<void>;
  disconnectNetwork(id: string, network: string): Promise<void>;
  /** Back on the network under its aliases and fixed address. */
  connectNetwork(id: string, attachment: NetworkAttachment): Promise<void>;
  exec(id: string, command: readonly string[], timeoutMs: number): Promise<CommandOutput>;
  /** The last `lines` a container logged, stdout and stderr together. */
  containerLogs(id: string, lines: number): Promise<string>;
  /** Lifecycle events of a project's containers in a past window (returns at once). */
  events(projectName: string, since: Date, until: Date, actions: readonly string[]): Promise<EngineEvent[]>;
  /** Follows the CPU and memory of containers. */
  stats(): StatsSource;

  /**
   * Removes every container (with its anonymous volumes), network and volume carrying all `labels`,
   * by force, and the superseded images of ours they ran on. Safe with another remover at work on
   * the same resources. Returns how many resources went.
   */
  removeLabelled(labels: readonly string[]): Promise<number>;
  /** Containers (with their creation time), networks and volumes carrying all `labels`, with the values of the `read` ones. */
  labelledResources(labels: readonly string[], read: readonly string[]): Promise<ManagedResource[]>;
  /** The subnets of every network on the engine. */
  networkSubnets(): Promise<string[]>;

  /** Which of `images` the engine does not have. */
  absentImages(images: readonly string[]): Promise<Set<string>>;
  /** Images matching `docker image ls` filters (`dangling=true`, `label=…`). */
  imagesMatching(filters: readonly string[]): Promise<LabelledImage[]>;
  /** What images hold, without their labels (Compose stamps the project name into every image it builds): layers and registry digests, by id. */
  imageContents(ids: readonly string[]): Promise<Map<string, ImageContents>>;
  /** Removes images without force (one a container uses stays); returns how many went. */
  removeImages(refs: readonly string[]): Promise<number>;
  /** Whether a registry answers for `image`, asked as `docker pull` would (its config and credentials). */
  registryHas(image: string): Promise<boolean>;
  /** `docker import`: a root filesystem (a tar stream) becomes `image`, with Dockerfile `changes` (`CMD …`). */
  importImage(rootfs: NodeJS.ReadableStream, image: string, changes: readonly string[]): Promise<CommandOutput>;
  /** `docker build --quiet --tag <tag> <context>`: a Dockerfile of our own (provisioning's base images). */
  buildImage(context: string, tag: string): Promise<CommandOutput>;
}
