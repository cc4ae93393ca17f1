// Configuration comes only from the environment, validated once at startup so
// a misconfigured container fails immediately with a readable message.
import { z } from 'zod';

const common = z.object({
  PORT: z.coerce.number().int().positive().default(8080),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

const db = z.object({ DATABASE_URL: z.url() });
const kafka = z.object({
  KAFKA_BROKERS: z
    .string()
    .min(1)
    .transform((s) => s.split(',').map((b) => b.trim())),
});
const amqp = z.object({ AMQP_URL: z.url() });

export const configSchemas = {
  orders: common
    .extend(db.shape)
    .extend(kafka.shape)
    .extend(amqp.shape)
    .extend({ AUTH_ISSUER: z.url(), AUTH_AUDIENCE: z.string().min(1) }),
  inventory: common.extend(db.shape).extend(kafka.shape).extend(amqp.shape),
  payments: common
    .extend(db.shape)
    .extend(kafka.shape)
    .extend(amqp.shape)
    .extend({
      PAYMENT_PROVIDER_URL: z.url(),
      // The charge breaker (circuit-breaker.ts): failed attempts in a row that open it, and its pause.
      CHARGE_BREAKER_FAILURES: z.coerce.number().int().positive().default(5),
      CHARGE_BREAKER_PAUSE_MS: z.coerce.number().int().positive().default(30_000),
    }),
  notifications: common.extend(db.shape).extend(amqp.shape).extend({ EMAIL_PROVIDER_URL: z.url() }),
  // The server-level URL (any database, usually `postgres`): migrate creates
  // the service databases next to it.
  migrate: common.extend({ POSTGRES_URL: z.url() }),
};
export type ServiceName = keyof typeof configSchemas;
export type Config<S extends ServiceName> = z.infer<(typeof configSchemas)[S]>;

export function loadConfig<S extends ServiceName>(service: S, env: NodeJS.ProcessEnv = process.env): Config<S> {
  const result = configSchemas[service].safeParse(env);
  if (!result.success) {
    throw new Error(`invalid configuration for ${service}:\n${z.prettifyError(result.error)}`);
  }
  return result.data as Config<S>;
}
