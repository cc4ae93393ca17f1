// The shop's journey vocabulary, set once: the `shop` page object, its providers (WireMock stands in
// for both), what the taps listen to (every Kafka topic, every event on the exchange, narrowed to the
// journey's trace: the shop passes on W3C `traceparent` through OpenTelemetry, nothing else) and the
// consistency rules checked after each journey. A spec imports only this file.
import { test as base, type WireMock } from 'compose-journeys';
import { shopRules } from './consistency-rules.ts';
import { EXCHANGE, KAFKA_TOPICS } from './contracts.ts';
import { Shop } from './shop.ts';

// New defaults for the options (as functions: an array value would read as a fixture tuple);
// a spec can still `test.use()` other values.
export const test = base.extend<{ shop: Shop; paymentProvider: WireMock; emailProvider: WireMock }>({
  kafkaTopics: async ({}, use) => use(KAFKA_TOPICS),
  rabbitBindings: async ({}, use) => use([{ exchange: EXCHANGE, pattern: '#' }]),
  tapScope: async ({}, use) => use('journey'),
  propagation: async ({}, use) => use('traceparent'),
  consistencyRules: async ({}, use) => use(shopRules),
  shop: async ({ api }, use) => use(new Shop(api)),
  // One WireMock ("wiremock") plays both providers: stubs and expectations are per journey.
  paymentProvider: async ({ wiremock }, use) => use(wiremock()),
  emailProvider: async ({ wiremock }, use) => use(wiremock()),
});

export { eventually, expect } from 'compose-journeys';
export * from './contracts.ts';
