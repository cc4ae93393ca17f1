// npx tsx bench/fixture-costs.ts — what each worker-scoped client of the journey fixtures costs to
// open and to close against the running shop stack (JOURNEYS_PROJECT, default journeys-shop-loop):
// the part of the reuse loop between the stack step and the first journey, and after the last one.
// Measured as the fixtures do it (fixtures/db.ts, fixtures/messages.ts), BENCH_RUNS times, medians.
import { EXCHANGE, KAFKA_TOPICS } from '../journeys/shop/contracts.ts';
import { Databases } from '../src/data/databases.ts';
import { KafkaProducer } from '../src/messages/kafka/producer.ts';
import { KafkaRecorder } from '../src/messages/kafka/recorder.ts';
import { kafkaConnectionOf } from '../src/messages/kafka/stack-connection.ts';
import { connectRabbit } from '../src/messages/rabbit/connection.ts';
import { RabbitRecorder } from '../src/messages/rabbit/recorder.ts';
import { rabbitConnectionOf } from '../src/messages/rabbit/stack-connection.ts';
import { readStackState } from '../src/stack/stack-state.ts';
import { stackStateFile } from '../src/stack/stack-state-file.ts';
import { printLatency, timed } from './figures.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const state = readStackState(stackStateFile(process.env.JOURNEYS_PROJECT ?? 'journeys-shop-loop'));
const kafka = kafkaConnectionOf(state);
const rabbit = rabbitConnectionOf(state);
const samples: Record<string, number[]> = {};
const add = (name: string, ms: number) => {
  samples[name] ??= [];
  samples[name].push(ms);
};

for (let run = 0; run < RUNS; run++) {
  let db!: Databases;
  add('db open', await timed(async () => (db = await Databases.connect(state))));
  add('db close', await timed(() => db.close()));
  let recorder!: KafkaRecorder;
  add(
    'kafka tap open (group join)',
    await timed(async () => (recorder = await KafkaRecorder.start({ ...kafka, topics: [...KAFKA_TOPICS] }))),
  );
  add('kafka tap close', await timed(() => recorder.stop()));
  let producer!: KafkaProducer;
  add('kafka producer open', await timed(async () => (producer = await KafkaProducer.connect(kafka))));
  add('kafka producer close', await timed(() => producer.disconnect()));
  let connection!: Awaited<ReturnType<typeof connectRabbit>>;
  let rabbitRecorder!: RabbitRecorder;
  add(
    'amqp open + tap',
    await timed(async () => {
      connection = await connectRabbit(rabbit.url);
      rabbitRecorder = await RabbitRecorder.start({
        connection,
        bindings: [{ exchange: EXCHANGE, pattern: '#' }],
        describeServer: 'bench',
      });
    }),
  );
  add(
    'amqp tap + connection close',
    await timed(async () => {
      await rabbitRecorder.stop();
      await connection.close();
    }),
  );
}
for (const [name, values] of Object.entries(samples)) printLatency(name, values);
