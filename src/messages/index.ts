// `compose-journeys/messages`: the broker clients behind the tap fixtures, for scripts, benches and
// fixtures of your own. Journeys get all of this through `kafkaTap`, `rabbitTap` and friends.
export { brokerAddressSocketFactory } from './kafka/broker-address.ts';
export { type KafkaConnection, kafkaClient } from './kafka/client.ts';
export { KafkaProducer, type KafkaSend } from './kafka/producer.ts';
export { KafkaRecorder, type KafkaRecorderOptions, type KafkaWindowMode } from './kafka/recorder.ts';
export { kafkaConnectionOf } from './kafka/stack-connection.ts';
export { MessageLog } from './message-log.ts';
export type { MessageSource } from './message-source.ts';
export { MessageTap } from './message-tap.ts';
export { connectRabbit } from './rabbit/connection.ts';
export { type QueueInfo, RabbitManagement } from './rabbit/management.ts';
export { type RabbitPublish, RabbitPublisher } from './rabbit/publisher.ts';
export { type RabbitBinding, RabbitRecorder, type RabbitRecorderOptions } from './rabbit/recorder.ts';
export { type RabbitConnectionInfo, rabbitConnectionOf } from './rabbit/stack-connection.ts';
export type { RecordedMessage } from './recorded-message.ts';
