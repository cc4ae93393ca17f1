import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Databases } from '../data/databases.ts';
import { tableCatalog } from '../data/table-catalog.ts';
import { kafkaClient } from '../messages/kafka/client.ts';
import { kafkaConnectionOf } from '../messages/kafka/stack-connection.ts';
import { RabbitManagement } from '../messages/rabbit/management.ts';
import { rabbitConnectionOf } from '../messages/rabbit/stack-connection.ts';
import { Endpoints } from '../stack/endpoints.ts';
import type { StackState } from '../stack/stack-state.ts';
import { errorText } from '../util/error-text.ts';
import { yaml } from '../util/yaml.ts';
import { WireMockAdmin } from '../wiremock/admin.ts';
import type { CoverageItem, StackCatalog } from './coverage-item.ts';
import { stubName } from './stub-name.ts';

/** A catalog that does not answer in this time is left out (and said so): it never holds up the run. */
const CATALOG_TIMEOUT_MS = 15_000;

const SYSTEM_SCHEMAS = /^(pg_catalog|information_schema|pg_toast)$/;

export interface CatalogOptions {
  /** `x-journeys.openapi`: service → `/path` it serves its OpenAPI document at, or a file (relative to `configDir`). */
  openapi?: Record<string, string>;
  configDir?: string;
}

/**
 * What the stack has, from its own catalogs: every table of every database of its Postgres services,
 * the Kafka broker's topics, RabbitMQ's exchanges and queues (management API), WireMock's stubs, and
 * the endpoints of the OpenAPI documents the stack names. A catalog that cannot be read is a problem
 * in the list, never an error: the page then shows what was seen for that kind.
 */
export async function collectStackCatalog(state: StackState, options: CatalogOptions = {}): Promise<StackCatalog> {
  const items: CoverageItem[] = [];
  const sources: string[] = [];
  const problems: string[] = [];
  const gather = async (what: string, read: () => Promise<CoverageItem[]>) => {
    try {
      items.push(...(await withTimeout(read(), what)));
      sources.push(what);
    } catch (error) {
      problems.push(`${what}: ${errorText(error)}`);
    }
  };
  const endpoints = new Endpoints(state.endpoints);
  await Promise.all([
    ...(state.roles.postgres.length ? [gather('tables: the Postgres catalogs', () => tables(state))] : []),
    ...(state.roles.kafka.length ? [gather(`topics: ${state.roles.kafka[0]} metadata`, () => topics(state))] : []),
    ...(state.roles.rabbitmq.length
      ? [gather(`exchanges and queues: ${state.roles.rabbitmq[0]} management API`, () => rabbit(state))]
      : []),
    ...state.roles.wiremock.map((service) =>
      gather(`stubs: ${service} mappings`, () => stubs(service, endpoints.url(service, 8080))),
    ),
    ...Object.entries(options.openapi ?? {}).map(([service, where]) =>
      gather(`endpoints: ${service} ${where}`, () => openapiEndpoints(service, where, endpoints, options.configDir)),
    ),
  ]);
  return { items, sources: sources.sort(), problems };
}

async function tables(state: StackState): Promise<CoverageItem[]> {
  const databases = await Databases.connect(state);
  try {
    const found: CoverageItem[] = [];
    for (const name of databases.names()) {
      for (const table of await tableCatalog(databases.database(name)))
        if (!SYSTEM_SCHEMAS.test(table.schema))
          found.push({ kind: 'table', service: name, name: `${table.schema}.${table.name}` });
    }
    return found;
  } finally {
    await databases.close();
  }
}

async function topics(state: StackState): Promise<CoverageItem[]> {
  const admin = kafkaClient(kafkaConnectionOf(state, 'The coverage catalog'), 'compose-journeys-catalog').admin();
  await admin.connect();
  try {
    return (await admin.listTopics())
      .filter((topic) => !topic.startsWith('__'))
      .map((topic) => ({ kind: 'topic' as const, service: state.roles.kafka[0]!, name: topic }));
  } finally {
    await admin.disconnect();
  }
}

async function rabbit(state: StackState): Promise<CoverageItem[]> {
  const connection = rabbitConnectionOf(state, 'The coverage catalog');
  if (!connection.managementUrl)
    throw new Error(
      `${connection.service} publishes no management API (port 15672): use a -management image and publish the port`,
    );
  const management = new RabbitManagement(connection.managementUrl, connection.user, connection.password);
  const [exchanges, queues] = await Promise.all([management.exchanges(), management.queues()]);
  return [
    ...exchanges.map((name) => ({ kind: 'exchange' as const, service: connection.service, name })),
    ...queues.map((queue) => ({ kind: 'queue' as const, service: connection.service, name: queue.name })),
  ];
}

async function stubs(service: string, baseUrl: string): Promise<CoverageItem[]> {
  const admin = new WireMockAdmin(service, baseUrl);
  return (await admin.mappings()).map((mapping) => ({ kind: 'stub' as const, service, name: stubName(mapping) }));
}

async function openapiEndpoints(
  service: string,
  where: string,
  endpoints: Endpoints,
  configDir = process.cwd(),
): Promise<CoverageItem[]> {
  const text = where.startsWith('/')
    ? await (
        await fetch(`${endpoints.url(service)}${where}`, { signal: AbortSignal.timeout(CATALOG_TIMEOUT_MS) })
      ).text()
    : readFileSync(path.resolve(configDir, where), 'utf8');
  const document = yaml().parse(text) as { paths?: Record<string, Record<string, unknown>> } | null;
  if (!document?.paths) throw new Error('no `paths` in the document: is it OpenAPI?');
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  return Object.entries(document.paths).flatMap(([route, operations]) =>
    Object.keys(operations ?? {})
      .filter((method) => methods.includes(method))
      .map((method) => ({
        kind: 'endpoint' as const,
        service,
        name: `${method.toUpperCase()} ${openapiTemplate(route)}`,
      })),
  );
}

/** `/orders/{id}` → `/orders/:id`: the form the journeys' calls are named in. */
export function openapiTemplate(route: string): string {
  return route.replace(/\{([^}]+)\}/g, ':$1');
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${CATALOG_TIMEOUT_MS / 1000} s`)),
        CATALOG_TIMEOUT_MS,
      );
      timer.unref();
    }),
  ]);
}
