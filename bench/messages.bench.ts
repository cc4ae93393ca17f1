// Message taps against the brokers of the running shop stack (JOURNEYS_PROJECT, default journeys-shop):
//   kafka detect / amqp detect: publish (until acknowledged) → `expect(tap).toHaveReceived(…)` resolved,
//     with warm worker taps, as in a journey;
//   tap-overhead: what the fixtures do per test with a warm worker tap — kafkaTap and rabbitTap setup
//     (`KafkaRecorder.tap()`: the default timestamp window, no round trip, up to 1 ms to the next
//     millisecond tick; `RabbitRecorder.tap()`: a fence message through the recorder's own queue)
//     and teardown (`close()`), both taps together, as a test using both pays it. The taps are the shop journeys' (all its Kafka topics, every event
//     on the exchange) plus the bench's own topic and routing key.
//   tap-overhead-offsets: the same with `kafkaWindow: 'offsets'` (high watermarks of every tapped
//     topic by ListOffsets), for comparison.
// Usage: npx tsx bench/messages.bench.ts
import { z } from 'zod';
import { expect } from '../fixtures/expect.ts';
import { EXCHANGE, KAFKA_TOPICS } from '../journeys/shop/contracts.ts';
import { KafkaProducer } from '../src/messages/kafka/producer.ts';
import { KafkaRecorder, type KafkaWindowMode } from '../src/messages/kafka/recorder.ts';
import { kafkaConnectionOf } from '../src/messages/kafka/stack-connection.ts';
import { connectRabbit } from '../src/messages/rabbit/connection.ts';
import { RabbitPublisher } from '../src/messages/rabbit/publisher.ts';
import { RabbitRecorder } from '../src/messages/rabbit/recorder.ts';
import { rabbitConnectionOf } from '../src/messages/rabbit/stack-connection.ts';
import { readStackState } from '../src/stack/stack-state.ts';
import { stackStateFile } from '../src/stack/stack-state-file.ts';
import { printLatency, timed } from './figures.ts';

const SAMPLES = 50;
const TOPIC = 'compose-journeys.bench.messages';
const ROUTING_KEY = 'compose-journeys.bench.messages';

const state = readStackState(stackStateFile(process.env.JOURNEYS_PROJECT ?? 'journeys-shop'));
const kafka = kafkaConnectionOf(state);
const rabbit = rabbitConnectionOf(state);

const probe = z.object({ run: z.string(), seq: z.number() });
const run = Math.random().toString(36).slice(2, 8);

const kafkaRecorder = await KafkaRecorder.start({
  ...kafka,
  topics: [...KAFKA_TOPICS, TOPIC],
  createMissingTopics: true,
});
const producer = await KafkaProducer.connect(kafka);
const connection = await connectRabbit(rabbit.url);
const rabbitRecorder = await RabbitRecorder.start({
  connection,
  bindings: [{ exchange: EXCHANGE, pattern: '#' }],
  describeServer: 'bench',
});
const publisher = new RabbitPublisher(connection);

try {
  // Warm-up: first sends pay for metadata and connection set-up, which a worker pays once.
  for (let seq = -3; seq < 0; seq++) {
    const tap = await kafkaRecorder.tap();
    await producer.send(TOPIC, { key: run, value: { run, seq } });
    await expect(tap).toHaveReceived(probe, { where: (value) => value.run === run && value.seq === seq });
  }

  const kafkaDetect: number[] = [];
  const amqpDetect: number[] = [];
  for (let seq = 0; seq < SAMPLES; seq++) {
    const kafkaTap = await kafkaRecorder.tap();
    kafkaDetect.push(
      await timed(async () => {
        await producer.send(TOPIC, { key: run, value: { run, seq } });
        await expect(kafkaTap).toHaveReceived(probe, { where: (value) => value.run === run && value.seq === seq });
      }),
    );
    const rabbitTap = await rabbitRecorder.tap();
    amqpDetect.push(
      await timed(async () => {
        await publisher.publish(EXCHANGE, ROUTING_KEY, { value: { run, seq } });
        await expect(rabbitTap).toHaveReceived(probe, { where: (value) => value.run === run && value.seq === seq });
      }),
    );
  }

  const overheadOf = async (mode: KafkaWindowMode) => {
    const samples: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample++) {
      samples.push(
        await timed(async () => {
          const taps = [await kafkaRecorder.tap(mode), await rabbitRecorder.tap()];
          for (const tap of taps) tap.close();
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
  await Promise.allSettled([kafkaRecorder.stop(), producer.disconnect(), rabbitRecorder.stop(), publisher.close()]);
  await connection.close();
}
