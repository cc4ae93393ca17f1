// Every error class of ours, thrown for real and handed over as the test runner hands it (`Name:
// message`, its cause likewise), against the category its failure means: PRODUCT when the system
// deviated from what the journey specifies, TEST when the journey's own code or its use of a fixture
// broke, INFRA when the stack broke under it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { IdentityProviderUnreachable } from '../../src/auth/identity-provider-client.ts';
import { RoleLoginError } from '../../src/auth/role-login-error.ts';
import { ConsistencyError, type RuleResult, type RuleScope } from '../../src/data/consistency.ts';
import { QueryError } from '../../src/data/databases.ts';
import { eventually } from '../../src/data/eventually.ts';
import { DirtyDatabaseError } from '../../src/data/isolation.ts';
import { parseWithSchema } from '../../src/data/schema-diff.ts';
import { EngineCommandError } from '../../src/engine/cli-engine.ts';
import { SharedStackError } from '../../src/faults/exclusive.ts';
import { FaultError } from '../../src/faults/fault-kinds.ts';
import { FaultHealError } from '../../src/faults/faults.ts';
import { ResponseContractError } from '../../src/http/response-contract-error.ts';
import {
  type CategorisedError,
  categorise,
  ERROR_CLASS_CATEGORIES,
  type FailureCategory,
} from '../../src/report/failure-category.ts';
import { WireMockAdminError } from '../../src/wiremock/admin.ts';
import { REPO } from '../support/cli.ts';

/** As Playwright's worker serialises a thrown error into `testInfo.errors`. */
function handedOver(error: unknown): CategorisedError {
  if (!(error instanceof Error)) return { value: String(error) };
  return {
    message: `${error.name}: ${error.message}`,
    ...(error.cause instanceof Error && { cause: handedOver(error.cause) }),
  };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('it did not throw');
}

async function rejected(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('it did not reject');
    },
    (error: unknown) => error,
  );
}

function categoryOf(error: unknown): FailureCategory {
  return categorise({ status: 'failed', timeout: 30_000, errors: [handedOver(error)] }, []).category;
}

const scope: RuleScope = { kind: 'journey', pattern: '%corr-1%', description: 'journey corr-1' };
const rule = (violations: Record<string, unknown>[], checked: number | undefined): RuleResult => ({
  rule: 'paid orders have a payment',
  description: 'every paid order has a captured payment',
  violations,
  checked,
});

const CASES: { error: string; when: string; make: () => unknown | Promise<unknown>; category: FailureCategory }[] = [
  {
    error: 'ResponseContractError',
    when: '.expect(201) on a 200',
    make: () => new ResponseContractError('POST /bookings (200): expected status 201, received 200. Body: {}'),
    category: 'PRODUCT',
  },
  {
    error: 'SchemaMismatchError',
    when: ".expect(201, schema) on a service's wrong value",
    make: () =>
      thrown(() =>
        parseWithSchema(
          z.object({ status: z.literal('BOOKED') }),
          { status: 'CONFIRMED' },
          'POST /bookings (201) body',
        ),
      ),
    category: 'PRODUCT',
  },
  {
    error: 'ConsistencyError',
    when: 'a rule violated',
    make: () => new ConsistencyError(scope, [rule([{ order_id: 7 }], 3)]),
    category: 'PRODUCT',
  },
  {
    error: 'ConsistencyError',
    when: 'rules that checked no rows',
    make: () => new ConsistencyError(scope, [rule([], 0)]),
    category: 'TEST',
  },
  {
    error: 'EventuallyTimeoutError',
    when: 'the system never got there',
    make: () => rejected(() => eventually(() => 'PENDING', { until: (v) => v === 'SHIPPED', timeout: 30 })),
    category: 'PRODUCT',
  },
  {
    error: 'EventuallyTimeoutError',
    when: "the journey's probe throws a TypeError",
    make: () =>
      rejected(() => eventually(() => (undefined as unknown as { rows: number[] }).rows.length, { timeout: 30 })),
    category: 'TEST',
  },
  {
    error: 'QueryError',
    when: "the journey's SQL names a table that is not there",
    make: () =>
      new QueryError('shop', 'SELECT * FROM order', [], { message: 'relation "order" does not exist', code: '42P01' }),
    category: 'TEST',
  },
  {
    error: 'QueryError',
    when: 'the connection is lost',
    make: () => new QueryError('shop', 'SELECT 1', [], { message: 'connection failure', code: '08006' }),
    category: 'INFRA',
  },
  {
    error: 'DirtyDatabaseError',
    when: 'resetDatabases on a database another journey writes',
    make: () => new DirtyDatabaseError('shop', { orders: 2 }, 'before the test'),
    category: 'TEST',
  },
  {
    error: 'FaultError',
    when: 'a fault on a service the stack does not have',
    make: () => new FaultError(`faults.stop('nope'): stack p has no service "nope".`),
    category: 'TEST',
  },
  {
    error: 'FaultHealError',
    when: 'a service that does not come back',
    make: () => new FaultHealError('fragile could not be healed after faults.kill(…)'),
    category: 'INFRA',
  },
  {
    error: 'SharedStackError',
    when: 'a fault while other workers use the stack',
    make: () => new SharedStackError('faults.stop: 2 workers share the stack'),
    category: 'TEST',
  },
  {
    error: 'WireMockAdminError',
    when: 'WireMock does not answer',
    make: () =>
      new WireMockAdminError('WireMock "wiremock" does not answer at http://127.0.0.1:1 (GET /__admin/mappings)'),
    category: 'INFRA',
  },
  {
    error: 'WireMockAdminError',
    when: 'WireMock refuses the stub',
    make: () => new WireMockAdminError('WireMock "wiremock" rejected the stub (422): bad JSON', 422),
    category: 'TEST',
  },
  {
    error: 'IdentityProviderUnreachable',
    when: 'the identity provider is down',
    make: () => new IdentityProviderUnreachable('http://idp:8080 unreachable (ECONNREFUSED)'),
    category: 'INFRA',
  },
  {
    error: 'EngineCommandError',
    when: 'the engine refuses a command',
    make: () => new EngineCommandError(['kill', 'c1'], { exitCode: 1, stdout: '', stderr: 'No such container: c1' }),
    category: 'INFRA',
  },
  {
    error: 'RoleLoginError',
    when: 'a wrong client secret (it declares TEST)',
    make: () => new RoleLoginError('TEST', 'staff', 'token endpoint http://idp/token', '401 invalid_client', 'Fix it.'),
    category: 'TEST',
  },
  {
    error: 'ZodError',
    when: "the journey's own schema.parse",
    make: () => thrown(() => z.object({ price: z.string() }).parse({ price: 5 })),
    category: 'TEST',
  },
  {
    error: 'TypeError',
    when: "the journey's own code",
    make: () => thrown(() => (null as unknown as { id: number }).id),
    category: 'TEST',
  },
  {
    error: 'Error',
    when: 'an expect() on the answer',
    make: () => thrown(() => expect(-5, 'price in cents').toBeGreaterThan(0)),
    category: 'PRODUCT',
  },
];

for (const { error, when, make, category } of CASES) {
  test(`${error} (${when}) is ${category}`, async () => {
    const made = await make();
    expect((made as Error).name).toBe(error);
    expect(categoryOf(made)).toBe(category);
  });
}

test("the reason quotes the service's deviation: the path, what was expected and what came", async () => {
  const error = thrown(() =>
    parseWithSchema(z.object({ status: z.literal('BOOKED') }), { status: 'CONFIRMED' }, 'POST /bookings (201) body'),
  );
  const { category, reason } = categorise({ status: 'failed', timeout: 1, errors: [handedOver(error)] }, []);
  expect(category).toBe('PRODUCT');
  expect(reason).toContain('$.status: expected "BOOKED", received "CONFIRMED"');
});

test('every error class of ours has a verdict, or says its category in its message, or never fails a journey', () => {
  const declaresItsOwn: Record<string, string> = {
    JourneysError: 'stack start, usage and config errors name their own category',
    RoleLoginError: 'says [INFRA] or [TEST] in its message',
    HistoryDatabaseError: 'the run history: warns, never fails a journey',
    SqliteError: 'the run history',
    SqliteUnavailableError: 'the run history',
    NotYet: "eventually's own retry signal: surfaces as EventuallyTimeoutError",
  };
  const classes = readdirSync(path.join(REPO, 'src'), { recursive: true })
    .filter((file) => String(file).endsWith('.ts'))
    .flatMap((file) =>
      [...readFileSync(path.join(REPO, 'src', String(file)), 'utf8').matchAll(/class (\w+) extends \w*Error\b/g)].map(
        (match) => match[1]!,
      ),
    );
  expect(classes.length).toBeGreaterThan(15);
  const missing = classes.filter((name) => !(name in ERROR_CLASS_CATEGORIES) && !(name in declaresItsOwn));
  expect(missing, 'add each to ERROR_CLASS_CATEGORIES (src/report/failure-category.ts) with a case above').toEqual([]);
  const tested = new Set(CASES.map((c) => c.error));
  expect(
    Object.keys(ERROR_CLASS_CATEGORIES).filter(
      (name) => !tested.has(name) && !/^(Reference|Range|Syntax)Error$/.test(name),
    ),
  ).toEqual([]);
});
