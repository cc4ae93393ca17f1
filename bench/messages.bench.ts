// Message taps against the brokers of the running shop stack (JOURNEYS_PROJECT, default journeys-shop):
//   kafka detect / amqp detect: publish (until acknowledged) → `expect(tap).toHaveReceived(…)` resolved,
//     with warm worker taps, as in a journey;
//   tap-overhead: what the fixtures do per test with a warm worker tap — kafkaTap and rabbitTap setup
//     (`KafkaTap.window()`: the default timestamp window, no round trip, up to 1 ms to the next
//     millisecond tick; `RabbitTap.window()`: a fence message through the tap's own queue; wrapping
//     in MessageTap; registering with the timeline) and teardown (`close()`), both taps together, as
//     a test using both pays it. The taps are the shop journeys' (all its Kafka topics, every event
//     on the exchange) plus the bench's own topic and routing key.
//   tap-overhead-offsets: the same with `kafkaWindow: 'offsets'` (high watermarks of every tapped
//     topic by ListOffsets), for comparison.
// Usage: npx tsx bench/messages.bench.ts
import { z } from 'zod';
import { expect } from '../fixtures/message-matchers.ts';
import { KafkaProducer, KafkaTap, type KafkaWindowMode } from '../fixtures/kafka-tap.ts';
import { connectRabbit, RabbitPublisher, RabbitTap } from '../fixtures/rabbit-tap.ts';
import { advertisedKafkaAddresses } from '../src/clients/kafka-advertised-address.ts';
import { MessageTap } from '../src/messages/message-tap.ts';
import { mergeTimeline, type TimelineSource } from '../src/messages/timeline.ts';
import { EXCHANGE, KAFKA_TOPICS } from '../compose/shop/services/src/events.ts';
import { Endpoints } from '../src/stack/endpoints.ts';
import { readStackState, stackStateFile } from '../src/stack/stack-state.ts';
import { printLatency, timed } from './figures.ts';

const SAMPLES = 50;
const TOPIC = 'compose-journeys.bench.messages';
const ROUTING_KEY = 'compose-journeys.bench.messages';

const state = readStackState(stackStateFile(process.env.JOURNEYS_PROJECT ?? 'journeys-shop'));
const endpoints = new Endpoints(state.endpoints);
const kafkaEndpoint = endpoints.get('kafka', 9092);
const kafka = { bootstrap: `${kafkaEndpoint.host}:${kafkaEndpoint.port}`, advertised: advertisedKafkaAddresses('kafka', 9092, state.environment.kafka ?? {}) };
const rabbitEnv = state.environment.rabbitmq ?? {};
const amqp = endpoints.get('rabbitmq', 5672);
const rabbitUrl = `amqp://${rabbitEnv.RABBITMQ_DEFAULT_USER ?? 'guest'}:${rabbitEnv.RABBITMQ_DEFAULT_PASS ?? 'guest'}@${amqp.host}:${amqp.port}`;

const probe = z.object({ run: z.string(), seq: z.number() });
const run = Math.random().toString(36).slice(2, 8);

const kafkaTap = await KafkaTap.start({ ...kafka, topics: [...KAFKA_TOPICS, TOPIC], createMissingTopics: true });
const producer = await KafkaProducer.connect(kafka);
const connection = await connectRabbit(rabbitUrl);
const rabbitTap = await RabbitTap.start({ connection, bindings: [{ exchange: EXCHANGE, pattern: '#' }], describeServer: 'bench' });
const publisher = new RabbitPublisher(connection);


try {
  // Warm-up: first sends pay for metadata and connection set-up, which a worker pays once.
  for (let seq = -3; seq < 0; seq++) {
    const tap = new MessageTap(await kafkaTap.window());
    await producer.send(TOPIC, { key: run, value: { run, seq } });
    await expect(tap).toHaveReceived(probe, { where: (value) => value.run === run && value.seq === seq });
  }

  const kafkaDetect: number[] = [];
  const amqpDetect: number[] = [];
  for (let seq = 0; seq < SAMPLES; seq++) {
    const kafkaWindow = new MessageTap(await kafkaTap.window());
    kafkaDetect.push(
      await timed(async () => {
        await producer.send(TOPIC, { key: run, value: { run, seq } });
        await expect(kafkaWindow).toHaveReceived(probe, { where: (value) => value.run === run && value.seq === seq });
      }),
    );
    const rabbitWindow = new MessageTap(await rabbitTap.window());
    amqpDetect.push(
      await timed(async () => {
        await publisher.publish(EXCHANGE, ROUTING_KEY, { value: { run, seq } });
        await expect(rabbitWindow).toHaveReceived(probe, { where: (value) => value.run === run && value.seq === seq });
      }),
    );
  }

  const overheadOf = async (mode: KafkaWindowMode) => {
    const samples: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample++) {
      samples.push(
        await timed(async () => {
          const sources: TimelineSource[] = [];
          const taps = [new MessageTap(await kafkaTap.window(mode)), new MessageTap(await rabbitTap.window())];
          sources.push(...taps);
          for (const tap of taps) tap.close();
          mergeTimeline(sources);
        }),
      );
    }
    return samples;
  };
  const overhead = await overheadOf('timestamps');
  const overheadOffsets = await overheadOf('offsets');

  printLatency('kafka detect', kafkaDetect);
  printLatency('amqp detect', amqpDetect);
  printLatency('tap-overhead', overhead);
  printLatency('tap-overhead-offsets', overheadOffsets);
} finally {
  await Promise.allSettled([kafkaTap.stop(), producer.disconnect(), rabbitTap.stop(), publisher.close()]);
  await connection.close();
}
