// How the runner's own tests on the shop stack make an order: through the example's vocabulary
// (journeys/shop/shop.ts), so there is one way to place an order in this repo.
import type { Api, UniqueIds } from 'compose-journeys';
import { z } from 'zod';
import { Shop } from '../../journeys/shop/shop.ts';

/** Stocks a fresh SKU (10 units) and places an order for it; returns the SKU and the created order. */
export async function placeOrder(api: Api, unique: UniqueIds, quantity = 2, unitPriceCents = 1250, cardToken?: string) {
  const shop = new Shop(api);
  const sku = unique.sku('widget');
  await shop.stockProduct(sku, 10);
  return { sku, order: await shop.placeOrder(unique.customer(), [{ sku, quantity, unitPriceCents }], cardToken) };
}

/**
 * Makes the payment provider take `delayMs` to capture charges of this card (a stub of its own,
 * matched by the card token, so other tests' charges are not slowed): an order stays PENDING that
 * long, whatever the speed of the shop. Returns the removal of the stub.
 */
export async function slowCharges(api: Api, cardToken: string, delayMs: number): Promise<() => Promise<void>> {
  const wiremock = api.service('wiremock');
  const stub = {
    priority: 1,
    request: { method: 'POST', urlPath: '/v1/charges', bodyPatterns: [{ matchesJsonPath: `$[?(@.cardToken == '${cardToken}')]` }] },
    response: { status: 201, fixedDelayMilliseconds: delayMs, headers: { 'Content-Type': 'application/json' }, jsonBody: { id: `ch_${cardToken}`, status: 'captured' } },
  };
  const { id } = await wiremock.post('/__admin/mappings', stub).expect(201, z.object({ id: z.string() }));
  return async () => void (await wiremock.delete(`/__admin/mappings/${id}`).expect(200));
}
