import type { FailureCategory } from '../report/failure-category.ts';

/**
 * A token the identity provider would not give (named without "token": the report's redaction takes
 * `…token…: value` for a secret). Categorised in its message (`[INFRA]`, `[TEST]`), the way
 * the failure report reads it: the identity provider down or broken is the stack's problem, a wrong
 * secret or an unknown user is the test's.
 */
export class RoleLoginError extends Error {
  override name = 'RoleLoginError';
  constructor(
    readonly category: Extract<FailureCategory, 'INFRA' | 'TEST'>,
    readonly role: string,
    /** Where it asked: `token endpoint http://…/token`, `issuer http://…`, `its login function`. */
    readonly source: string,
    problem: string,
    hint: string,
  ) {
    super(`[${category}] No token for role "${role}" (${source}): ${problem}. ${hint}`);
  }
}
