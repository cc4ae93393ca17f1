/**
 * Every failure a user can see carries a category, so CI logs, the CLI's exit code and the report
 * can all say *what kind* of problem it was before saying what exactly went wrong.
 */
export const ERROR_CATEGORIES = [
  'CONFIG_INVALID',
  'DOCKER_UNAVAILABLE',
  'STACK_STARTUP',
  'HEALTHCHECK_TIMEOUT',
  'ONE_SHOT_FAILED',
  'PROVISION_FAILED',
  'USAGE',
  /** The state directory (JOURNEYS_STATE_DIR) is unreadable or holds what we did not write. */
  'STATE_INVALID',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export class JourneysError extends Error {
  override readonly name = 'JourneysError';
  constructor(
    readonly category: ErrorCategory,
    message: string,
    /** Multi-line diagnosis (health output, logs, blocked dependants) shown after the message. */
    readonly details?: string,
  ) {
    super(`[${category}] ${message}`);
  }

  /** The whole story, as the CLI prints it and the report attaches it. */
  describe(): string {
    return this.details ? `${this.message}\n\n${this.details}` : this.message;
  }
}

/** Exit codes per category: scripts can tell infrastructure trouble from a broken config. */
export function exitCodeFor(category: ErrorCategory): number {
  return 10 + ERROR_CATEGORIES.indexOf(category);
}
