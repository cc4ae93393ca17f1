import type { TestInfo } from '@playwright/test';

/**
 * What fixtures saw during a test (HTTP exchanges, rows, messages), kept per test attempt so the
 * evidence fixture can put them on one timeline when the test fails. Fixtures only record; they
 * never decide what is attached.
 */
export interface Observation {
  /** `http`, `db`, `kafka`, `amqp`, `wiremock`, … : the timeline's "what" column. */
  kind: string;
  /** When it happened (ISO string or epoch ms); defaults to now. */
  at?: string | number | Date;
  correlationId?: string;
  /** One line: `POST /orders → 201`, `orders row status=PAID`, `orders.placed key=…`. */
  summary: string;
  /** Anything JSON-serialisable: headers, bodies, rows. Redacted before it is attached. */
  detail?: unknown;
  /**
   * Where a payload travelled, for contract drift: `kafka orders.placed`, `amqp shop.events/orders.paid`,
   * `http POST /orders/:id 201`. With `payload`, the run history keeps the payload's shape per channel.
   */
  channel?: string;
  /** The message or response body whose shape (field paths and JSON types) the history compares. */
  payload?: unknown;
}

export interface RecordedObservation extends Omit<Observation, 'at'> {
  at: Date;
  /** Order of recording: ties on `at` keep the order fixtures saw them in. */
  sequence: number;
}

// Keyed by the TestInfo object: one per attempt, so a retry starts empty and nothing leaks across tests.
const recorded = new WeakMap<TestInfo, RecordedObservation[]>();
let sequence = 0;

export function recordEvidence(testInfo: TestInfo, observation: Observation): void {
  const list = recorded.get(testInfo) ?? [];
  recorded.set(testInfo, list);
  list.push({
    ...observation,
    at: observation.at === undefined ? new Date() : new Date(observation.at),
    sequence: sequence++,
  });
}

export function observationsOf(testInfo: TestInfo): readonly RecordedObservation[] {
  return recorded.get(testInfo) ?? [];
}
