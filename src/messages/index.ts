// `compose-journeys/messages`: the broker clients behind the tap fixtures, for scripts, benches and
// fixtures of your own. Journeys get all of this through `kafkaTap`, `rabbitTap` and friends.
export { kafkaConnectionOf, rabbitConnectionOf, type RabbitConnectionInfo } from './broker-connections.ts';
export { kafkaClient, connectWithin, type KafkaConnection } from './kafka/client.ts';
export { KafkaRecorder, type KafkaRecorderOptions, type KafkaWindowMode } from './kafka/recorder.ts';
export { KafkaProducer, type KafkaSend } from './kafka/producer.ts';
export { brokerAddressSocketFactory } from './kafka/broker-address.ts';
export { connectRabbit } from './rabbit/connection.ts';
export { RabbitRecorder, type RabbitBinding, type RabbitRecorderOptions } from './rabbit/recorder.ts';
export { RabbitPublisher, type RabbitPublish } from './rabbit/publisher.ts';
export { RabbitManagement, type QueueInfo } from './rabbit/management.ts';
export { MessageLog } from './message-log.ts';
export { MessageTap, type MessageSource, type WindowRule } from './message-tap.ts';
export type { RecordedMessage } from './recorded-message.ts';
