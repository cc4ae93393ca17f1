// Runs in a sibling container: proves the advertised address (kafka:9092)
// works for a kafkajs producer and a consumer-group consumer.
import { Kafka, logLevel } from 'kafkajs';

const kafka = new Kafka({ clientId: 'container-check', brokers: ['kafka:9092'], logLevel: logLevel.ERROR });
const topic = `container-check-${Date.now()}`;
const sent = ['one', 'two', 'three'];

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: sent.map((value) => ({ key: value, value })) });

const consumer = kafka.consumer({ groupId: `${topic}-group` });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const received = [];
await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`timeout, got ${received}`)), 30_000);
  consumer.run({
    eachMessage: async ({ message }) => {
      received.push(message.value.toString());
      if (received.length === sent.length) resolve(clearTimeout(timer));
    },
  });
});
await consumer.disconnect();
await producer.disconnect();

if ([...received].sort().join() !== [...sent].sort().join()) throw new Error(`got ${received}`);
console.log(`container check ok: produced and consumed ${received.length} messages on ${topic} via kafka:9092`);
