import type { FailureCategory } from '../report/failure-category.ts';

/**
 * A token the identity provider would not give. Categorised in its message (`[INFRA]`, `[TEST]`), the way
 * the failure report reads it: the identity provider down or broken is the stack's problem, a wrong
 * secret or an unknown user is the test's.
 */
export class TokenRequestError extends Error {
  override name = 'TokenRequestError';
  constructor(
    readonly category: Extract<FailureCategory, 'INFRA' | 'TEST'>,
    readonly role: string,
    readonly endpoint: string,
    problem: string,
    hint: string,
  ) {
    super(`[${category}] No token for role "${role}" from ${endpoint}: ${problem}. ${hint}`);
  }
}
