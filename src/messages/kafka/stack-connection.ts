import type { StackState } from '../../stack/stack-state.ts';
import { brokerService } from '../broker-service.ts';
import { advertisedKafkaAddresses } from './advertised-address.ts';
import { kafkaKind } from './broker-kind.ts';
import type { KafkaConnection } from './client.ts';

/** The stack's Kafka broker as a host-side kafkajs client reaches it (advertised name → published port). */
export function kafkaConnectionOf(state: StackState, purpose = 'The Kafka tap'): KafkaConnection {
  const { service, environment, endpoint } = brokerService(state, kafkaKind, purpose);
  return {
    bootstrap: `${endpoint.host}:${endpoint.port}`,
    advertised: advertisedKafkaAddresses(service, endpoint.containerPort, environment),
  };
}
