// Entry point of the shop image: `node shop.mjs <service>`.
import { loadConfig } from './config.ts';
import { startInventory } from './inventory.ts';
import { createLogger } from './logger.ts';
import { migrate } from './migrate.ts';
import { startNotifications } from './notifications.ts';
import { startOrders } from './orders.ts';
import { startPayments } from './payments.ts';
import { runService } from './runtime.ts';

const services = {
  orders: () => runService('orders', startOrders),
  inventory: () => runService('inventory', startInventory),
  payments: () => runService('payments', startPayments),
  notifications: () => runService('notifications', startNotifications),
  migrate: async () => {
    const config = loadConfig('migrate');
    await migrate(config, createLogger('migrate', config.LOG_LEVEL));
  },
};

const name = process.argv[2];
if (!name || !(name in services)) {
  process.stderr.write(`usage: shop.mjs <${Object.keys(services).join('|')}>\n`);
  process.exit(2);
}
// A CommonJS bundle (so OpenTelemetry's require hooks see pg, kafkajs and amqplib load): no top-level await.
void (async () => {
  try {
    await services[name as keyof typeof services]();
    // migrate is done; the others keep running on their sockets and timers.
    if (name === 'migrate') process.exit(0);
  } catch (err) {
    createLogger(name).error('fatal startup error', { err });
    process.exit(1);
  }
})();
