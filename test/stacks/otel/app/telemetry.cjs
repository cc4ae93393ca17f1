// Loaded first (`node --require ./telemetry.cjs`), as an OpenTelemetry-instrumented service is: the SDK's
// http, undici, pg, kafkajs and amqplib instrumentations carry the W3C trace context (`traceparent`) from
// each request into the calls, queries and messages it causes. Nothing here knows x-correlation-id.
// No exporter: the test needs the propagation, not the spans.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');
const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg');
const { KafkaJsInstrumentation } = require('@opentelemetry/instrumentation-kafkajs');
const { AmqplibInstrumentation } = require('@opentelemetry/instrumentation-amqplib');

const sdk = new NodeSDK({
  instrumentations: [
    new HttpInstrumentation(),
    new UndiciInstrumentation(),
    new PgInstrumentation(),
    new KafkaJsInstrumentation(),
    new AmqplibInstrumentation(),
  ],
});
sdk.start();
process.on('SIGTERM', () => sdk.shutdown().finally(() => process.exit(0)));
