import type { HistoryStore } from '../store/history-store.ts';
import type { Shape } from './shape.ts';

/**
 * For a worker fixture at test start: channel key → shape, as the journey's last PASSING run saw
 * it (`kafka orders.placed`, `amqp shop.events/orders.paid`, `http POST /orders 201`). Empty for a
 * journey that never passed with shapes recorded.
 */
export async function baselineShapes(store: HistoryStore, journeyId: string): Promise<Record<string, Shape>> {
  return store.baselineShapes(journeyId);
}
