import type { z as Z } from 'zod';

/**
 * The parts of `docker compose config --format json` we rely on. Compose does the parsing, merging,
 * interpolation and its own validation; this schema only pins down the shape our engine reads, so a
 * Compose release that changes it fails here with a clear message instead of deep inside `up`.
 * Built on first use (a cached resolution is not parsed again, and zod costs a CLI start ~60 ms).
 */
function buildSchemas(z: typeof Z) {
  const dependsOnSchema = z.object({
    condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']),
    required: z.boolean().optional(),
    restart: z.boolean().optional(),
  });
  const portSchema = z.object({
    target: z.number().int(),
    published: z.union([z.string(), z.number()]).optional(),
    host_ip: z.string().optional(),
    protocol: z.string().optional(),
    mode: z.string().optional(),
  });
  const healthcheckSchema = z.looseObject({
    test: z.array(z.string()).optional(),
    disable: z.boolean().optional(),
    interval: z.string().optional(),
    timeout: z.string().optional(),
    retries: z.number().optional(),
    start_period: z.string().optional(),
    start_interval: z.string().optional(),
  });
  const serviceSchema = z.looseObject({
    image: z.string().optional(),
    build: z.looseObject({ context: z.string(), dockerfile: z.string().optional() }).optional(),
    healthcheck: healthcheckSchema.optional(),
    depends_on: z.record(z.string(), dependsOnSchema).optional(),
    ports: z.array(portSchema).optional(),
    restart: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    environment: z.record(z.string(), z.string().nullable()).optional(),
  });
  const resourceSchema = z.looseObject({
    name: z.string().optional(),
    external: z.boolean().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  });
  const stringList = z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value : [value]));
  /** Our own top-level extension: `x-journeys:` in a compose file. */
  const journeysExtensionSchema = z.strictObject({
    /** Commands run (from the project directory) before images are built, e.g. bundling service code. */
    prepare: stringList.optional(),
    /** Override files used instead of public images when no image registry is reachable. */
    offline: stringList.optional(),
    /** An override with the CI runner's CPU and memory limits, applied in CI or with JOURNEYS_LIMITS=1. */
    limits: z.string().optional(),
    /** `none`: the services reach nothing outside the stack; a journey fails, naming the service and the host, when one tries. */
    egress: z.enum(['none']).optional(),
    /** Service → its OpenAPI document: `/openapi.json` (a path the service serves) or a file beside the compose file. The coverage page lists its endpoints. */
    openapi: z.record(z.string(), z.string()).optional(),
  });
  const resolvedConfigSchema = z.looseObject({
    name: z.string(),
    services: z.record(z.string(), serviceSchema),
    networks: z.record(z.string(), resourceSchema.nullable()).optional(),
    volumes: z.record(z.string(), resourceSchema.nullable()).optional(),
    'x-journeys': journeysExtensionSchema.optional(),
  });
  return { resolvedConfigSchema, serviceSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
export type ResolvedConfig = Z.infer<Schemas['resolvedConfigSchema']>;
export type ResolvedService = Z.infer<Schemas['serviceSchema']>;

let schemas: Schemas | undefined;

/** Validates Compose's output: the config, or a readable list of what does not fit. */
export async function parseResolvedConfig(json: unknown): Promise<{ config: ResolvedConfig } | { problems: string }> {
  const { z } = await import('zod');
  schemas ??= buildSchemas(z);
  const parsed = schemas.resolvedConfigSchema.safeParse(json);
  return parsed.success ? { config: parsed.data } : { problems: z.prettifyError(parsed.error) };
}

/** Services whose dependants wait for them to *finish*: migrations, seeders. */
export function oneShotServices(config: ResolvedConfig): Set<string> {
  const oneShots = new Set<string>();
  for (const [name, service] of Object.entries(config.services)) {
    if (service.restart === 'no' && !hasHealthcheck(service)) oneShots.add(name);
    for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
      if (spec.condition === 'service_completed_successfully') oneShots.add(dependency);
    }
  }
  return oneShots;
}

export function hasHealthcheck(service: ResolvedService): boolean {
  const check = service.healthcheck;
  return !!check && !check.disable && !!check.test && check.test[0] !== 'NONE';
}

/** Every service that (transitively) depends on `service`. */
export function dependantsOf(config: ResolvedConfig, service: string): string[] {
  const found = new Set<string>();
  const visit = (target: string) => {
    for (const [name, spec] of Object.entries(config.services)) {
      if (spec.depends_on?.[target] && !found.has(name)) {
        found.add(name);
        visit(name);
      }
    }
  };
  visit(service);
  return [...found];
}
