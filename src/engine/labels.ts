/** Labels we put on every container, network and volume we create: how `reap` finds our leftovers. */
export const LABEL = {
  managed: 'dev.compose-journeys.managed',
  /**
   * `<hostname>:<pid>` of the process that owns the stack, or `reusable`: the form older releases
   * write and read (their `reap` keeps a stack whose `<hostname>:<pid>` is alive).
   */
  owner: 'dev.compose-journeys.owner',
  /** The owner in full (`host/uid/boot/pidns/pid/started`, see run-identity.ts): what decides whether it died. */
  run: 'dev.compose-journeys.run',
  /** The login name that started the stack, for `status` and `reap --other-owners`. */
  user: 'dev.compose-journeys.user',
  configHash: 'dev.compose-journeys.config-hash',
  /**
   * Why the stack is kept after its run (`journeys up`, JOURNEYS_KEEP=1), when that is known at the
   * start: on the engine itself, so a reap with another state directory (another TMPDIR) sees it too.
   */
  keep: 'dev.compose-journeys.keep',
  /** On images we build: the tag they were built as (removing their dangling predecessors goes by it). */
  imageOf: 'dev.compose-journeys.image-of',
  /**
   * On images we name ourselves (`journeys-<stack>-<service>:<hash>`): the compose file they were
   * built from and `<user>@<host>`. Once that file is gone (a deleted checkout or temporary repo),
   * the image is nobody's cache any more.
   */
  builtFrom: 'dev.compose-journeys.built-from',
  builtBy: 'dev.compose-journeys.built-by',
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  /** The Compose version that created the container: what a run's fingerprint records, without running Compose. */
  composeVersion: 'com.docker.compose.version',
} as const;

/** Reused stacks outlive their run on purpose, so they are owned by nobody. */
export const REUSABLE_OWNER = 'reusable';
