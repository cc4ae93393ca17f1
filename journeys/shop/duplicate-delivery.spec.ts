import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { test, expect } from '../../fixtures/index.ts';
import { brokerAddressSocketFactory } from '../../src/clients/kafka-broker-address.ts';
import { Shop, uniqueSku } from './shop.ts';

test('the same orders.placed delivered twice reserves once', async ({ request, stack }) => {
  const shop = new Shop(request, stack);
  const sku = uniqueSku();
  await test.step('stock 10 units', () => shop.stockProduct(sku, 10));
  const placed = await test.step('the customer orders 4 units', () => shop.placeOrder([{ sku, quantity: 4, unitPriceCents: 500 }]));
  await test.step('the order is PAID', async () => expect(await shop.settledOrder(placed.id)).toMatchObject({ status: 'PAID' }));

  await test.step('orders.placed is delivered again, byte for byte', async () => {
    // The event exactly as the outbox relay published it: same event id, same payload.
    const postgres = stack.endpoints.get('postgres', 5432);
    const env = stack.environment('postgres');
    const client = new pg.Client({ host: postgres.host, port: postgres.port, user: env.POSTGRES_USER!, password: env.POSTGRES_PASSWORD!, database: 'orders' });
    await client.connect();
    const { rows } = await client.query<{ payload: unknown }>("SELECT payload FROM outbox WHERE order_id = $1 AND event_type = 'orders.placed'", [placed.id]).finally(() => client.end());
    expect(rows).toHaveLength(1);

    const kafka = stack.endpoints.get('kafka', 9092);
    const producer = new Kafka({ brokers: [`${kafka.host}:${kafka.port}`], logLevel: logLevel.NOTHING, socketFactory: brokerAddressSocketFactory({ 'kafka:9092': `${kafka.host}:${kafka.port}` }) }).producer();
    await producer.connect();
    await producer.send({ topic: 'orders.placed', messages: [{ key: placed.id, value: JSON.stringify(rows[0]!.payload), headers: { 'correlation-id': shop.correlationId } }] }).finally(() => producer.disconnect());
  });

  await test.step('still one reservation, 4 units taken once, one charge', async () => {
    // Give the redelivery time to be consumed, then check nothing changed. The inventory log line
    // proves it was consumed (below), so this is not a blind sleep.
    await expect.poll(async () => {
      const logs = await stackLogs(stack.projectName, 'inventory');
      return logs.filter((line) => line.includes(placed.id) && /duplicate|already/i.test(line)).length;
    }, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await shop.list('inventory', `/reservations?orderId=${placed.id}`)).toHaveLength(1);
    expect(await shop.product(sku)).toMatchObject({ stock: 6, reserved: 4 });
    expect(await shop.chargeRequests(placed.id)).toHaveLength(1);
  });
});

async function stackLogs(projectName: string, service: string): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) =>
    execFile('docker', ['logs', `${projectName}-${service}-1`], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(error) : resolve(`${stdout}${stderr}`.split('\n')))),
  );
}
