// A circuit breaker in front of a provider: after `failures` failed attempts in a row it opens, and
// for `pauseMs` no call goes out (each fails at once); then one probe is let through (half-open):
// success closes the breaker, failure opens it for another pause. A provider that keeps failing is
// then called once per pause, not once per attempt of every order.
import type { Logger } from './logger.ts';

export interface BreakerPolicy {
  /** Failed attempts in a row that open the breaker. */
  failures: number;
  /** How long it stays open before one probe is let through. */
  pauseMs: number;
}

/** The breaker refused the call: the provider failed too often, too recently. */
export class CircuitOpenError extends Error {
  constructor(
    readonly provider: string,
    readonly retryInMs: number,
  ) {
    super(`${provider} circuit open: not called for another ${retryInMs} ms`);
    this.name = 'CircuitOpenError';
  }
}

export class CircuitBreaker {
  #failuresInARow = 0;
  #openUntil = 0;
  #probing = false;

  constructor(
    readonly provider: string,
    readonly policy: BreakerPolicy,
    readonly log: Logger,
    readonly now: () => number = Date.now,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.#openUntil === 0) return 'closed';
    return this.now() < this.#openUntil || this.#probing ? 'open' : 'half-open';
  }

  /** One attempt through the breaker: refused while open, and while another call probes. */
  async call<T>(attempt: () => Promise<T>, failed: (result: T) => boolean = () => false): Promise<T> {
    const state = this.state;
    if (state === 'open') throw new CircuitOpenError(this.provider, Math.max(0, this.#openUntil - this.now()));
    const probe = state === 'half-open';
    if (probe) {
      this.#probing = true;
      this.log.info(`${this.provider} circuit half-open: one probe`);
    }
    try {
      const result = await attempt();
      if (failed(result)) this.#failure(probe);
      else this.#success(probe);
      return result;
    } catch (error) {
      this.#failure(probe);
      throw error;
    } finally {
      if (probe) this.#probing = false;
    }
  }

  #success(probe: boolean): void {
    if (probe) this.log.info(`${this.provider} circuit closed: the probe succeeded`);
    this.#failuresInARow = 0;
    this.#openUntil = 0;
  }

  #failure(probe: boolean): void {
    this.#failuresInARow++;
    if (probe || this.#failuresInARow >= this.policy.failures) {
      this.#openUntil = this.now() + this.policy.pauseMs;
      this.log.warn(`${this.provider} circuit open`, {
        failuresInARow: this.#failuresInARow,
        pauseMs: this.policy.pauseMs,
        after: probe ? 'a failed probe' : `${this.policy.failures} failures in a row`,
      });
    }
  }
}
