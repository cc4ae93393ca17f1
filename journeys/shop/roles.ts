// Who the journeys call the shop as. The shop's identity provider (compose/idp) is a service of the stack,
// named as the services see it: the runner reaches it through its published port.
import { clientCredentials, passwordGrant, type Roles } from 'compose-journeys';

const issuer = 'http://idp:8080';
const customers = {
  issuer,
  clientId: 'shop-web',
  clientSecret: 'shop-web-secret-3c9f',
  password: 'customer-password-51b7',
};

export const shopRoles: Roles = {
  /** Each journey its own customer: "only their own orders" needs more than one shared customer. */
  customer: passwordGrant({ ...customers, username: ({ id }) => `customer-${id}` }),
  /** Another customer of the same journey: what they must not see. */
  otherCustomer: passwordGrant({ ...customers, username: ({ id }) => `customer-other-${id}` }),
  staff: clientCredentials({ issuer, clientId: 'backoffice', clientSecret: 'backoffice-secret-8d2e' }),
};
