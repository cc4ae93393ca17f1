// One AMQP connection per worker, to the stack's RabbitMQ through its published port.
import type amqplibModule from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { createRedactor } from '../../report/redaction.ts';
import { withDeadline } from '../../util/deadline.ts';
import { errorText } from '../../util/error-text.ts';
import { lazyRequire } from '../../util/lazy-require.ts';

const amqplib = lazyRequire<typeof amqplibModule>('amqplib');

const redact = createRedactor([]);

/** One connection per worker; fails within `timeoutMs` naming the address instead of hanging. */
export async function connectRabbit(url: string, timeoutMs = 5_000): Promise<ChannelModel> {
  try {
    const connecting = amqplib().connect(url, { timeout: timeoutMs });
    // A connection that completes after the deadline would leak: close it when it arrives.
    const connection = await withDeadline(connecting, timeoutMs, () => {
      connecting.then(
        (late) => late.close().catch(() => {}),
        () => {},
      );
      return new Error(`no answer within ${timeoutMs} ms`);
    });
    connection.on('error', () => {}); // surfaced through the channels' close events
    return connection;
  } catch (error) {
    throw new Error(
      `Cannot connect to RabbitMQ at ${redact(url)}: ${errorText(error)}. Is the stack running (npx journeys status)?`,
      { cause: error },
    );
  }
}
