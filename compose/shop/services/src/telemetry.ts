// Loaded before anything else (`node --require ./telemetry.cjs shop.cjs <service>`), as an
// OpenTelemetry-instrumented service is: the SDK's http, undici, pg, kafkajs and amqplib
// instrumentations carry the W3C trace context (`traceparent`) from each request into the calls,
// queries and messages it causes, and from each message into what its consumer does.

import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

// Spans go to a collector when one is configured (OTEL_EXPORTER_OTLP_ENDPOINT); otherwise they are
// made (so a request without a traceparent starts a trace, and logs carry its id) and dropped.
const exporting = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_TRACES_EXPORTER);
type SpanProcessor = NonNullable<NonNullable<ConstructorParameters<typeof NodeSDK>[0]>['spanProcessors']>[number];
const dropSpans: SpanProcessor = {
  onStart: () => {},
  onEnd: () => {},
  forceFlush: async () => {},
  shutdown: async () => {},
};
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';

new NodeSDK({
  serviceName: `shop-${process.argv[2] ?? 'service'}`,
  ...(!exporting && { spanProcessors: [dropSpans] }),
  instrumentations: [
    // Healthchecks every second are not traces anyone wants.
    new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health' }),
    new UndiciInstrumentation(),
    new PgInstrumentation(),
    new KafkaJsInstrumentation(),
    new AmqplibInstrumentation(),
  ],
}).start();
