// Which WireMock services a stack has (by role: image, environment, label or package.json), and
// where the host reaches each one's admin API.
import type { Endpoint } from '../stack/endpoints.ts';
import { ROLES } from '../stack/service-roles.ts';
import type { StackState } from '../stack/stack-state.ts';
import { WireMockAdmin } from './admin.ts';

const HOW_TO_NAME =
  'If a service is a WireMock the stack does not recognise, name it: "journeys": { "services": { "wiremock": ["<service>"] } } in package.json, stackProjects({ services: { wiremock: [...] } }), or the label dev.compose-journeys.role: wiremock on the service.';

export class WireMockServices {
  readonly #admins = new Map<string, WireMockAdmin>();

  constructor(private readonly state: Pick<StackState, 'projectName' | 'roles' | 'environment' | 'endpoints'>) {}

  /** The WireMock services, in the compose file's order. */
  get names(): readonly string[] {
    return this.state.roles.wiremock ?? [];
  }

  /** `get()`: the only WireMock; `get('payment-provider')`: that one. Errors name what exists. */
  get(service?: string): WireMockAdmin {
    const names = this.names;
    const all = Object.keys(this.state.environment);
    if (service === undefined) {
      if (names.length === 1) return this.#admin(names[0]!);
      if (names.length === 0)
        throw new Error(
          `wiremock(): stack ${this.state.projectName} has no WireMock service (none looks like one by image, environment or port). Services: ${all.join(', ')}. ${HOW_TO_NAME}`,
        );
      throw new Error(
        `wiremock(): stack ${this.state.projectName} has ${names.length} WireMock services: ${names.join(', ')}. Say which: ${names.map((name) => `wiremock('${name}')`).join(' or ')}.`,
      );
    }
    if (typeof service !== 'string' || service === '')
      throw new Error(`wiremock(service): a service name, got ${JSON.stringify(service)}.`);
    if (names.includes(service)) return this.#admin(service);
    const known = names.length > 0 ? `WireMock services: ${names.join(', ')}` : 'it has no WireMock service';
    if (all.includes(service))
      throw new Error(
        `wiremock('${service}'): "${service}" is a service of stack ${this.state.projectName}, but not a WireMock one (${known}). ${HOW_TO_NAME}`,
      );
    throw new Error(
      `wiremock('${service}'): stack ${this.state.projectName} has no service "${service}"; ${known}. All services: ${all.join(', ')}.`,
    );
  }

  /** Every WireMock service whose admin API the host can reach (for the failure evidence). */
  reachable(): WireMockAdmin[] {
    return this.names.filter((name) => this.#endpointOf(name) !== undefined).map((name) => this.#admin(name));
  }

  #endpointOf(service: string): Endpoint | undefined {
    const published = this.state.endpoints.filter(
      (endpoint) => endpoint.service === service && endpoint.protocol === 'tcp',
    );
    return (
      published.find((endpoint) => endpoint.containerPort === ROLES.wiremock.port) ??
      (published.length === 1 ? published[0] : undefined)
    );
  }

  #admin(service: string): WireMockAdmin {
    let admin = this.#admins.get(service);
    if (!admin) {
      const endpoint = this.#endpointOf(service);
      if (!endpoint) {
        const ports = this.state.endpoints.filter((e) => e.service === service).map((e) => e.containerPort);
        throw new Error(
          `wiremock('${service}'): its admin API is not reachable from the host: ${ports.length ? `it publishes ${ports.join(', ')} and none is ${ROLES.wiremock.port}` : 'it publishes no port'}. Publish WireMock's port, e.g. ports: ["127.0.0.1::${ROLES.wiremock.port}"].`,
        );
      }
      admin = new WireMockAdmin(service, () => {
        const current = this.#endpointOf(service) ?? endpoint;
        return `http://${current.host}:${current.port}`;
      });
      this.#admins.set(service, admin);
    }
    return admin;
  }
}
