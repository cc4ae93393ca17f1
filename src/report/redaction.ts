import type { TestInfo } from '@playwright/test';

/**
 * The one place every report attachment passes through, so a secret cannot reach the report by a
 * path nobody thought of: known secret values (from the stack's resolved environment) are replaced
 * wherever they appear, and secret-shaped text (Authorization headers, URL credentials,
 * password=… pairs) is replaced even when its value was never declared.
 */
export const REDACTED = '[REDACTED]';

/** Env var names whose values are secrets: DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY, … */
const SECRET_NAME = /pass(word|wd)?|secret|token|api[-_]?key|private[-_]?key|credential|auth|cookie|session/i;

/** A name whose value is a secret (`DB_PASSWORD`, `API_TOKEN`): kept out of reports and fingerprints. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

// Shorter values are too likely to be ordinary words (the shop's password is "shop", also its project name);
// the patterns still catch them in context (URL credentials, password=…).
const MIN_VALUE_LENGTH = 6;

const PATTERNS: readonly [RegExp, string][] = [
  // scheme://user:password@host → scheme://user:[REDACTED]@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+):([^\s@/'"]+)@/gi, `$1:${REDACTED}@`],
  // Authorization: Bearer abc / "authorization": "Basic abc" / proxy-authorization / x-api-key / cookie headers
  [
    /(["']?(?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|digest)\s+)?[^\s"',}\u001b]+/gi,
    `$1${REDACTED}`,
  ],
  [/(["']?(?:x-api-key|api[-_]?key|cookie|set-cookie)["']?\s*[:=]\s*["']?)[^\s"',;}\u001b]+/gi, `$1${REDACTED}`],
  // A JWT wherever it appears (a token echoed in a body or a log line): header.payload.signature.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // password=…, "token": "…", client_secret: …
  [/(["']?[\w-]*(?:password|passwd|secret|token)[\w-]*["']?\s*[:=]\s*["']?)[^\s"'&,;}\u001b]+/gi, `$1${REDACTED}`],
];

export interface Redactor {
  (text: string): string;
  /** The declared values this redactor replaces (for tests and for diagnosis). */
  readonly values: readonly string[];
  /** Secrets learnt during the run (a role's client secret, a token just obtained): replaced from now on. */
  add(...secrets: string[]): void;
}

export function createRedactor(secretValues: Iterable<string>): Redactor {
  const known = new Set<string>();
  let values: string[] = [];
  let valuePattern: RegExp | undefined;
  const add = (...secrets: string[]) => {
    const fresh = secrets.filter((value) => value.length >= MIN_VALUE_LENGTH && !known.has(value));
    if (fresh.length === 0) return;
    for (const value of fresh) known.add(value);
    // Longest first: a secret that contains another is replaced whole.
    values = [...known].sort((a, b) => b.length - a.length);
    valuePattern = new RegExp(values.map(escapeRegExp).join('|'), 'g');
  };
  add(...secretValues);
  const redact = (text: string): string => {
    let result = valuePattern ? text.replace(valuePattern, REDACTED) : text;
    for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
    return result;
  };
  return Object.assign(redact, {
    get values() {
      return values;
    },
    add,
  });
}

/** Values of env vars whose names look secret, across every service, plus passwords inside URL values. */
export function secretValuesFromEnvironment(environment: Record<string, Record<string, string | null>>): string[] {
  const found: string[] = [];
  for (const env of Object.values(environment)) {
    for (const [name, value] of Object.entries(env)) {
      if (!value) continue;
      if (SECRET_NAME.test(name)) found.push(value);
      const inUrl = /:\/\/[^\s:/@]+:([^\s@/]+)@/.exec(value)?.[1];
      if (inUrl) found.push(inUrl);
    }
  }
  return found;
}

/** The redactor for one stack: secrets of its resolved environment and of the runner's (CI tokens). */
export function stackRedactor(environment: Record<string, Record<string, string | null>>): Redactor {
  return createRedactor(secretValuesFromEnvironment({ ...environment, runner: process.env as Record<string, string> }));
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The way report code attaches anything: `testInfo.attach` with text bodies passed through the redactor, never around it. */
export function redactingAttach(
  testInfo: Pick<TestInfo, 'attach'>,
  redact: (text: string) => string,
): TestInfo['attach'] {
  return (name, options = {}) => {
    const { body, contentType } = options;
    if (body === undefined || contentType?.startsWith('image/')) return testInfo.attach(name, options);
    return testInfo.attach(name, { ...options, body: redact(typeof body === 'string' ? body : body.toString('utf8')) });
  };
}

/**
 * Playwright puts a failed request's headers in the error's call log, and builds its own
 * `error-context` attachment and the report's error view from `testInfo.errors` after our fixtures
 * are torn down: redacting the errors in place keeps secrets out of those too.
 */
export function redactErrors(testInfo: Pick<TestInfo, 'errors'>, redact: (text: string) => string): void {
  for (const error of testInfo.errors as { message?: string; stack?: string; value?: string; snippet?: string }[]) {
    for (const key of ['message', 'stack', 'value', 'snippet'] as const) {
      if (typeof error[key] === 'string') error[key] = redact(error[key]);
    }
  }
}
