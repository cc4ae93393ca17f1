import type { TestInfo } from '@playwright/test';
import type { ContainerState } from '../engine/container-state.ts';
import type { ServiceUsage } from '../resources/resource-usage.ts';
import { formatBytes } from '../util/bytes.ts';
import type { ContainerEvent } from './stack-evidence.ts';

/** The one list of failure categories: the type below, the history's zod schema and its stored rows follow it. */
export const FAILURE_CATEGORIES = ['INFRA', 'PRODUCT', 'TEST'] as const;

/**
 * Why a journey failed, first question of every failure review:
 * - INFRA: the stack broke under the test (a container died, restarted, was OOM-killed or became
 *   unhealthy during it, or is down now), or never came up (set by the setup project);
 * - PRODUCT: the system answered, and its answer broke the journey's contract (an assertion, a status,
 *   a schema, a consistency rule; see ERROR_CLASS_CATEGORIES);
 * - TEST: the journey itself broke: it timed out, threw from its own code (a TypeError), or misused a fixture.
 * Infrastructure wins: an assertion that fails because a service was killed is not a product bug.
 */
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export const CATEGORY_ANNOTATION = 'failure-category';
export const REASON_ANNOTATION = 'failure-reason';
/** The services a failure points at (comma-separated): the run history counts failures by service. */
export const SERVICE_ANNOTATION = 'failure-service';

export interface Categorised {
  category: FailureCategory;
  reason: string;
}

/** Actions that mean the stack itself misbehaved (a graceful `stop` by us happens after the test). */
const INFRA_ACTIONS = /^(die|oom|kill|restart|health_status: unhealthy)$/;

/** A service whose log lines of the window say error, fatal or panic. */
const ERROR_LINE = /\b(error|fatal|panic)\b|"level":\s*"(error|fatal)"|\blevel=(error|fatal)\b/i;

/**
 * Which services a failure points at: those the stack problems name (INFRA), else those that
 * logged an error during the test; empty when nothing stands out.
 */
export function failingServices(problems: readonly string[], logs: ReadonlyMap<string, string>): string[] {
  if (problems.length > 0) return [...new Set(problems.map((problem) => problem.slice(0, problem.indexOf(':'))))];
  return [...logs]
    .filter(([, log]) => log.split('\n').some((line) => ERROR_LINE.test(line)))
    .map(([service]) => service);
}

export function infraProblems(
  containers: readonly ContainerState[],
  events: readonly ContainerEvent[],
  usage: readonly ServiceUsage[] = [],
): string[] {
  // An OOM kill says under which limit, and how high the service was seen before it.
  const oomDetail = (service: string) => {
    const seen = usage.find((entry) => entry.service === service);
    if (!seen) return '';
    const limit = seen.memoryLimitBytes ? `under its limit of ${formatBytes(seen.memoryLimitBytes)}, ` : '';
    return ` ${limit}peak seen ${formatBytes(seen.peakMemoryBytes)} at ${new Date(seen.peakAt).toISOString()}`;
  };
  const fromEvents = events
    .filter((event) => INFRA_ACTIONS.test(event.action))
    .map(
      (event) =>
        `${event.service}: ${event.action}${event.exitCode ? ` (exit ${event.exitCode})` : ''}${event.action === 'oom' ? oomDetail(event.service) : ''} at ${event.at.toISOString()}`,
    );
  const fromState = containers.flatMap((c) => {
    // A one-shot (migration) that exited 0 is done, not down.
    if ((c.status === 'exited' || c.status === 'dead') && (c.exitCode !== 0 || c.oomKilled))
      return [
        `${c.service}: ${c.status} (exit ${c.exitCode}${c.oomKilled ? `, OOM-killed${oomDetail(c.service)}` : ''})`,
      ];
    if (c.status === 'restarting' || c.health === 'unhealthy')
      return [`${c.service}: ${c.status}${c.health ? ` (${c.health})` : ''}`];
    return [];
  });
  return [...new Set([...fromEvents, ...fromState])];
}

/** What a failure of each error class means, where the class says it (a function: where its message does). */
type ClassVerdict = FailureCategory | ((message: string, cause: CategorisedError | undefined) => FailureCategory);

/**
 * Our error classes, and the language's, by what their failure means. PRODUCT: the system deviated from
 * what the journey specifies (a response, row or message against its contract; data that disagrees
 * across services; a state it never reached). TEST: the journey's own code, or its use of a fixture,
 * broke. INFRA: the stack broke under it. One entry per class: test/unit/failure-categories.spec.ts
 * throws each one and checks its verdict.
 */
export const ERROR_CLASS_CATEGORIES: Readonly<Record<string, ClassVerdict>> = {
  // `.expect(status[, schema])`: another status, a body that is not JSON.
  ResponseContractError: 'PRODUCT',
  // A response body, a row or a message payload that breaks its schema.
  SchemaMismatchError: 'PRODUCT',
  // Rules violated: the services disagree. Rules that checked nothing: the journey's scope is wrong.
  ConsistencyError: (message) => (/ checked no rows /.test(message) ? 'TEST' : 'PRODUCT'),
  // The system never got there, unless what the journey polled threw from its own code.
  EventuallyTimeoutError: (_message, cause) => (cause && categoryOfError(cause) === 'TEST' ? 'TEST' : 'PRODUCT'),
  // The journey's SQL; a connection lost (SQLSTATE class 08, a reset) is the database's.
  QueryError: (message) =>
    /\[08[0-9A-Z]{3}\]|ECONNREFUSED|ECONNRESET|terminating connection|Connection terminated/.test(message)
      ? 'INFRA'
      : 'TEST',
  DirtyDatabaseError: 'TEST',
  FaultError: 'TEST',
  FaultHealError: 'INFRA',
  SharedStackError: 'TEST',
  // WireMock not answering is the stack's; a stub it refuses is the journey's.
  WireMockAdminError: (message) => (/ does not answer at /.test(message) ? 'INFRA' : 'TEST'),
  IdentityProviderUnreachable: 'INFRA',
  EngineCommandError: 'INFRA',
  // A journey's own parse (`schema.parse(body)` in its code), its own mistakes.
  ZodError: 'TEST',
  TypeError: 'TEST',
  ReferenceError: 'TEST',
  RangeError: 'TEST',
  SyntaxError: 'TEST',
};

/** An error as the test runner hands it over (`testInfo.errors`: `Name: message`, its cause likewise). */
export interface CategorisedError {
  message?: string;
  value?: string;
  cause?: CategorisedError;
}

/**
 * What one error says of the failure: a category it declares (`[INFRA] No token for role "staff"…`),
 * its class's, a failed `expect` (PRODUCT), else undefined.
 */
export function categoryOfError(error: CategorisedError): FailureCategory | undefined {
  const message = stripAnsi(error.message ?? error.value ?? '');
  const declared = /^(?:\w*Error: )?\[(INFRA|PRODUCT|TEST)\] /.exec(message);
  if (declared) return declared[1] as FailureCategory;
  const verdict = ERROR_CLASS_CATEGORIES[/^(\w+): /.exec(message)?.[1] ?? ''];
  if (typeof verdict === 'string') return verdict;
  if (verdict) return verdict(message, error.cause);
  if (/\bexpect(\.poll|\.soft)?\(/.test(message)) return 'PRODUCT';
  return undefined;
}

export function categorise(
  testInfo: Pick<TestInfo, 'status' | 'errors' | 'timeout'>,
  problems: readonly string[],
): Categorised {
  if (problems.length > 0) return { category: 'INFRA', reason: problems.join('; ') };
  if (testInfo.status === 'timedOut')
    return { category: 'TEST', reason: `the journey timed out (${testInfo.timeout} ms)` };
  for (const error of testInfo.errors as CategorisedError[]) {
    const category = categoryOfError(error);
    if (category) return { category, reason: summary(stripAnsi(error.message ?? error.value ?? '')) };
  }
  const first = testInfo.errors[0];
  return {
    category: 'TEST',
    reason: summary(stripAnsi(first?.message ?? first?.value ?? 'the journey failed without an error')),
  };
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The message on one line, short enough for an annotation (`Error: price · expect(received)… · Received: -5`). */
function summary(text: string): string {
  const compact = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' · ')
    .replace(/\s+/g, ' ');
  return compact.length > 300 ? `${compact.slice(0, 299)}…` : compact;
}
