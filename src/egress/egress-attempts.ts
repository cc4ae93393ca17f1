// What the guard saw during a journey, named by service: `caller looked up api.stripe.com`.

export interface EgressAttempt {
  at: number;
  /** The asking container's address on the guard's network. */
  from: string;
  name: string;
}

export interface NamedAttempt {
  at: number;
  service: string;
  host: string;
}

/** The guard's record since `since` (ms); an empty list when it cannot be asked (its absence is not the journey's failure). */
export async function guardAttempts(guardUrl: string, since: number): Promise<EgressAttempt[]> {
  const response = await fetch(`${guardUrl}/attempts?since=${since}`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`the egress guard answered ${response.status}`);
  return (await response.json()) as EgressAttempt[];
}

/** One entry per service and host (a lookup asks for A and AAAA, and retries), the first time each. */
export function nameAttempts(
  attempts: readonly EgressAttempt[],
  serviceOf: (address: string) => string | undefined,
): NamedAttempt[] {
  const seen = new Map<string, NamedAttempt>();
  for (const attempt of [...attempts].sort((a, b) => a.at - b.at)) {
    const service = serviceOf(attempt.from) ?? `a container at ${attempt.from}`;
    const key = `${service}\n${attempt.name}`;
    if (!seen.has(key)) seen.set(key, { at: attempt.at, service, host: attempt.name });
  }
  return [...seen.values()];
}

export function describeAttempts(attempts: readonly NamedAttempt[]): string {
  const lines = attempts.map(
    (attempt) => `${attempt.service} tried to reach ${attempt.host} at ${new Date(attempt.at).toISOString()}`,
  );
  return `[PRODUCT] A service reached for a host outside the stack (x-journeys.egress: none): ${lines.join('; ')}. The lookup was refused, so nothing left the stack; point the service at a service of the stack (a WireMock stub of the provider), or stop declaring egress: none.`;
}
