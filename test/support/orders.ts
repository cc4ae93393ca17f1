// How the runner's own tests on the shop stack make an order: through the example's vocabulary
// (journeys/shop/shop.ts), so there is one way to place an order in this repo.
import type { Api, UniqueIds } from 'compose-journeys';
import { Shop } from '../../journeys/shop/shop.ts';

/** Stocks a fresh SKU (10 units) and places an order for it; returns the SKU and the created order. */
export async function placeOrder(api: Api, unique: UniqueIds, quantity = 2, unitPriceCents = 1250, cardToken?: string) {
  const shop = new Shop(api);
  const sku = unique.sku('widget');
  await shop.stockProduct(sku, 10);
  return { sku, order: await shop.placeOrder([{ sku, quantity, unitPriceCents }], cardToken) };
}
