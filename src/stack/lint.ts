import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { currentEngine } from '../engine/current-engine.ts';
import { yaml } from '../util/yaml.ts';
import { readCache, writeCache } from './config-cache.ts';
import { hasHealthcheck, oneShotServices, type ResolvedConfig } from './resolved-config.ts';
import { detectRoles } from './service-roles.ts';
import { limitsOverrideIn, type StackDefinition } from './stack-definition.ts';

/** Below this a healthcheck that probes for ever costs a process start every few seconds per service. */
const SHORT_INTERVAL_MS = 5_000;
const HEALTHCHECK_FIX =
  'probe fast while it starts and rarely after: start_period: 30s, start_interval: 1s, interval: 30s (Docker Engine >= 25 honours start_interval)';

export interface LintFinding {
  rule:
    | 'healthcheck-missing'
    | 'healthcheck-interval-short'
    | 'depends-on-without-condition'
    | 'one-shot-not-awaited'
    | 'port-not-loopback'
    | 'port-loopback-on-remote-engine'
    | 'port-fixed-host'
    | 'image-unpinned'
    | 'kafka-rebalance-delay'
    | 'limits-missing'
    | 'version-obsolete';
  file: string;
  line?: number;
  service?: string;
  field: string;
  message: string;
  fix: string;
}

/**
 * A Kafka configured from the environment (apache/kafka, confluentinc/cp-kafka, bitnami/kafka)
 * gets the broker's default `group.initial.rebalance.delay.ms` of 3 s, not the 0 of the
 * distribution's sample server.properties: every consumer group's first join then waits 3 s, each
 * service's at start included (our taps join no group).
 */
function kafkaRebalanceDelay(
  config: ResolvedConfig,
  where: (service: string | undefined, ...field: (string | number)[]) => { file: string; line?: number },
): LintFinding[] {
  return detectRoles(config).kafka.flatMap((name) => {
    const environment = config.services[name]?.environment ?? {};
    const names = Object.keys(environment);
    const bitnami = names.some((key) => key.startsWith('KAFKA_CFG_'));
    if (!names.some((key) => key.startsWith('KAFKA_')) || /redpanda/.test(config.services[name]?.image ?? ''))
      return [];
    const variable = bitnami ? 'KAFKA_CFG_GROUP_INITIAL_REBALANCE_DELAY_MS' : 'KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS';
    if (String(environment[variable] ?? '').trim() === '0') return [];
    return [
      {
        rule: 'kafka-rebalance-delay' as const,
        ...where(name, 'environment'),
        service: name,
        field: `environment.${variable}`,
        message: `${variable} is ${environment[variable] ?? 'not set'}: every consumer group's first join waits for it (3 s by default), each service's at start included`,
        fix: `set ${variable}: 0 (a test broker has no reason to wait for more members)`,
      },
    ];
  });
}

interface Limits {
  memory: boolean;
  cpus: boolean;
}

/** Which limits a service (resolved, or as an override file writes it) sets: `mem_limit`/`cpus` or `deploy.resources.limits`. */
function limitsOf(service: unknown): Limits {
  const spec = (service ?? {}) as {
    mem_limit?: unknown;
    cpus?: unknown;
    deploy?: { resources?: { limits?: { memory?: unknown; cpus?: unknown } } };
  };
  const limits = spec.deploy?.resources?.limits;
  const set = (value: unknown) => value !== undefined && value !== null && value !== '' && value !== 0 && value !== '0';
  return { memory: set(spec.mem_limit) || set(limits?.memory), cpus: set(spec.cpus) || set(limits?.cpus) };
}

/**
 * A long-running service without memory and CPU limits can take a shared CI runner for itself, and a
 * leak shows up as someone else's OOM kill. Limits may live in the stack's CI limits override
 * (`x-journeys.limits`), which the runner applies in CI: those count.
 */
function limitsMissing(
  definition: StackDefinition,
  oneShots: ReadonlySet<string>,
  where: (service: string | undefined, ...field: (string | number)[]) => { file: string; line?: number },
): LintFinding[] {
  const overrideFile = limitsOverrideIn(definition);
  let override: Record<string, unknown> = {};
  if (overrideFile && existsSync(overrideFile)) {
    try {
      override =
        (yaml().parse(readFileSync(overrideFile, 'utf8')) as { services?: Record<string, unknown> })?.services ?? {};
    } catch {}
  }
  const fixIn = overrideFile
    ? `in ${path.relative(process.cwd(), overrideFile)} (x-journeys.limits)`
    : 'in a CI limits override named by x-journeys.limits (applied in CI, and locally with JOURNEYS_LIMITS=1), or on the service';
  return Object.entries(definition.config.services).flatMap(([name, service]) => {
    if (oneShots.has(name)) return [];
    const resolved = limitsOf(service);
    const extra = limitsOf(override[name]);
    const missing = [!resolved.memory && !extra.memory && 'memory', !resolved.cpus && !extra.cpus && 'CPU'].filter(
      Boolean,
    );
    if (missing.length === 0) return [];
    return [
      {
        rule: 'limits-missing' as const,
        ...where(name),
        service: name,
        field: 'deploy.resources.limits',
        message: `long-running service without a ${missing.join(' or ')} limit: on a shared CI runner it can starve the others, and a leak shows up as an OOM kill somewhere else`,
        fix: `set deploy.resources.limits { cpus: "1", memory: 512M } (the runner's share) ${fixIn}`,
      },
    ];
  });
}

interface SourceFile {
  file: string;
  doc: Document;
  lines: LineCounter;
}

/**
 * Checks what makes journeys flaky or unsafe. Decisions are made on the resolved config (what
 * Compose will really run); the raw files are read only to say *where* to fix it, and for what
 * resolution erases (short `depends_on` syntax, the `version:` key).
 */
export function lintStack(
  definition: StackDefinition,
  remoteEngine = currentEngine().endpoint.remoteHost,
): LintFinding[] {
  const sources = definition.target.files.map(readSource);
  const config = definition.config;
  const findings: LintFinding[] = [];
  const where = (service: string | undefined, ...field: (string | number)[]) =>
    locate(sources, service ? ['services', service, ...field] : field);
  const oneShots = oneShotServices(config);
  const awaited = new Set(
    Object.values(config.services).flatMap((s) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === 'service_completed_successfully')
        .map(([name]) => name),
    ),
  );

  for (const source of sources) {
    if (source.doc.has('version')) {
      findings.push({
        rule: 'version-obsolete',
        ...at(source, ['version']),
        field: 'version',
        message: 'the top-level `version:` key is obsolete and ignored by Compose v2',
        fix: 'delete the `version:` line',
      });
    }
  }
  findings.push(...kafkaRebalanceDelay(config, where));
  findings.push(...limitsMissing(definition, oneShots, where));
  for (const [name, service] of Object.entries(config.services)) {
    if (!oneShots.has(name) && !hasHealthcheck(service)) {
      findings.push({
        rule: 'healthcheck-missing',
        ...where(name),
        service: name,
        field: 'healthcheck',
        message: 'long-running service without a healthcheck: "running" is not "ready", journeys would race its start',
        fix: `add a healthcheck whose test checks the service really serves; ${HEALTHCHECK_FIX}`,
      });
    }
    const check = service.healthcheck as (typeof service.healthcheck & { start_interval?: string }) | undefined;
    const intervalMs = check && hasHealthcheck(service) ? durationMs(check.interval) : undefined;
    if (intervalMs !== undefined && intervalMs < SHORT_INTERVAL_MS && !check?.start_interval) {
      findings.push({
        rule: 'healthcheck-interval-short',
        ...where(name, 'healthcheck', 'interval'),
        service: name,
        field: 'healthcheck.interval',
        message: `healthcheck every ${check!.interval} for as long as the stack runs: an idle stack keeps the machine busy`,
        fix: HEALTHCHECK_FIX,
      });
    }
    if (oneShots.has(name) && !awaited.has(name)) {
      findings.push({
        rule: 'one-shot-not-awaited',
        ...where(name),
        service: name,
        field: 'depends_on',
        message: 'one-shot service (restart: "no") that no service waits for: journeys may start before it finished',
        fix: `add depends_on: { ${name}: { condition: service_completed_successfully } } to the services that need it`,
      });
    }
    for (const [dependency, location] of rawDependsOnWithoutCondition(sources, name)) {
      findings.push({
        rule: 'depends-on-without-condition',
        ...location,
        service: name,
        field: `depends_on.${dependency}`,
        message: `depends_on ${dependency} without a condition only waits for the container to be created`,
        fix: `use depends_on: { ${dependency}: { condition: service_healthy } } (or service_completed_successfully for a one-shot)`,
      });
    }
    (service.ports ?? []).forEach((port, index) => {
      const hostIp = port.host_ip ?? '';
      const loopback = hostIp === '127.0.0.1' || hostIp === '::1';
      // A remote engine's loopback is not this machine's: there the port must be on an interface we reach.
      if (remoteEngine && loopback) {
        findings.push({
          rule: 'port-loopback-on-remote-engine',
          ...where(name, 'ports', index),
          service: name,
          field: `ports[${index}]`,
          message: `container port ${port.target} is published on ${hostIp} of the remote engine ${remoteEngine}: journeys here cannot reach it`,
          fix: `publish it as "${port.target}" (all interfaces of ${remoteEngine}; keep that host's ports behind a firewall), or run the engine locally`,
        });
      } else if (!remoteEngine && !loopback) {
        findings.push({
          rule: 'port-not-loopback',
          ...where(name, 'ports', index),
          service: name,
          field: `ports[${index}]`,
          message: `container port ${port.target} is published on ${hostIp || 'all interfaces'}: anyone on the network can reach the test stack`,
          fix: `publish it as "127.0.0.1::${port.target}"`,
        });
      }
      if (port.published !== undefined && port.published !== '' && port.published !== '0') {
        findings.push({
          rule: 'port-fixed-host',
          ...where(name, 'ports', index),
          service: name,
          field: `ports[${index}]`,
          message: `container port ${port.target} is published on fixed host port ${port.published}: parallel runs and shards collide`,
          fix: `let Docker choose: "127.0.0.1::${port.target}", and read the port from the endpoints`,
        });
      }
    });
    if (service.image && !service.build && isUnpinned(service.image)) {
      findings.push({
        rule: 'image-unpinned',
        ...where(name, 'image'),
        service: name,
        field: 'image',
        message: `image ${service.image} is not pinned: nightly runs change under you`,
        fix: 'pin a version tag (e.g. postgres:15.10) or a digest',
      });
    }
  }
  return findings;
}

/**
 * `lintStack`, kept with the cached resolution (lint parses the YAML files, which the reuse path
 * must not pay for): the findings depend on nothing the cache key does not cover.
 */
export function lintDefinition(definition: StackDefinition): LintFinding[] {
  const entry = definition.cache ? readCache(definition.cache.key) : undefined;
  const variant = definition.cache && entry?.[definition.cache.variant];
  const key = lintCacheKey(definition);
  if (variant?.lint && variant.lintKey === key) return variant.lint as LintFinding[];
  const findings = lintStack(definition);
  if (entry && variant) {
    variant.lint = findings;
    variant.lintKey = key;
    writeCache(entry);
  }
  return findings;
}

/** Bumped when a rule is added or changed: findings cached by an older version are computed again. */
const LINT_RULES_VERSION = 2;

/** What cached findings depend on besides the resolution: the rules, and the CI limits override (read by `limits-missing`). */
function lintCacheKey(definition: StackDefinition): string {
  const override = limitsOverrideIn(definition);
  let content = '';
  try {
    content = override ? readFileSync(override, 'utf8') : '';
  } catch {}
  return createHash('sha256')
    .update(`${LINT_RULES_VERSION}\n${override ?? ''}\n${content}`)
    .digest('hex')
    .slice(0, 16);
}

/** Go durations as Compose prints them: `1s`, `500ms`, `1m30s`, `1h0m0s`. */
export function durationMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let matched = '';
  for (const [part, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(value) * units[unit!]!;
    matched += part;
  }
  return matched === text ? total : undefined;
}

export function formatFinding(finding: LintFinding): string {
  const location = `${path.relative(process.cwd(), finding.file)}${finding.line ? `:${finding.line}` : ''}`;
  const subject = finding.service ? `service "${finding.service}", ${finding.field}` : finding.field;
  return `${location}: ${subject}: ${finding.message} [${finding.rule}]\n    fix: ${finding.fix}`;
}

function isUnpinned(image: string): boolean {
  if (image.includes('@sha256:')) return false;
  const lastSegment = image.split('/').at(-1) ?? image;
  const tag = lastSegment.includes(':') ? lastSegment.split(':').at(-1) : undefined;
  return tag === undefined || tag === 'latest';
}

function readSource(file: string): SourceFile {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  return { file, doc: parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines }), lines };
}

/** The last file that sets a path wins in Compose's merge, so that is the one to edit. */
function locate(sources: SourceFile[], pathParts: (string | number)[]): { file: string; line?: number } {
  for (let depth = pathParts.length; depth > 0; depth--) {
    for (const source of [...sources].reverse()) {
      if (source.doc.hasIn(pathParts.slice(0, depth))) return at(source, pathParts.slice(0, depth));
    }
  }
  return { file: sources[0]!.file };
}

function at(source: SourceFile, pathParts: (string | number)[]): { file: string; line?: number } {
  const node = source.doc.getIn(pathParts, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  return { file: source.file, line: offset === undefined ? undefined : source.lines.linePos(offset).line };
}

/** Short-syntax entries (`depends_on: [db]`) and long-syntax ones missing `condition:`, as written. */
function rawDependsOnWithoutCondition(
  sources: SourceFile[],
  service: string,
): [string, { file: string; line?: number }][] {
  const found: [string, { file: string; line?: number }][] = [];
  for (const source of sources) {
    const node = source.doc.getIn(['services', service, 'depends_on'], true);
    const { isMap, isSeq } = yaml();
    if (isSeq(node)) {
      for (const [index, item] of node.items.entries())
        found.push([
          String((item as { value?: unknown }).value ?? item),
          at(source, ['services', service, 'depends_on', index]),
        ]);
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const dependency = String((pair.key as { value?: unknown }).value);
        if (dependency === '<<') continue; // a YAML merge key: the merged entries are checked where they are written
        if (!isMap(pair.value) || !pair.value.has('condition'))
          found.push([dependency, at(source, ['services', service, 'depends_on', dependency])]);
      }
    }
  }
  return found;
}
