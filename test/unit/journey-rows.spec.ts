// How a journey's rows are found where tables have no correlation_id column: the keys its API calls
// returned, the SQL that selects rows by them, and snapshots over a fake of the `db` fixture.
import { expect, test } from '@playwright/test';
import { journeyKeys } from '../../src/data/journey-keys.ts';
import { extendedKeys, journeyRowsSql, quoteIdent, rowSelection } from '../../src/data/journey-rows.ts';
import { snapshotter } from '../../src/data/snapshots.ts';
import type { CatalogTable } from '../../src/data/table-catalog.ts';
import type { ApiExchange } from '../../src/http/service-client.ts';
import { type FakeTable, fakeDatabases } from './fake-databases.ts';

const exchange = (status: number | undefined, body: unknown, headers: Record<string, string> = {}): ApiExchange => ({
  service: 'orders',
  method: 'POST',
  url: 'http://127.0.0.1:8080/orders',
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 3,
  request: {},
  ...(status === undefined ? { error: 'ECONNREFUSED' } : { status, response: { headers, body } }),
});

test('journey keys: id-like properties of 2xx JSON bodies at any depth, as strings, deduplicated in first-seen order', () => {
  const keys = journeyKeys([
    exchange(201, {
      id: 'o-1',
      customerId: 'c-7',
      status: 'PENDING',
      lines: [
        { line_id: 1, sku: 'sku-1' },
        { line_id: 2, productID: 'p-9' },
      ],
      payment: { id: 42, order_id: 'o-1', provider: { chargeId: 'ch_1' } },
      relatedIds: ['r-1', 'r-2'],
      tag_ids: [3],
    }),
    exchange(200, [{ id: 'o-2' }, { id: 'o-1' }]),
  ]);
  expect(keys).toEqual(['o-1', 'c-7', '1', '2', 'p-9', '42', 'ch_1', 'r-1', 'r-2', '3', 'o-2']);
});

test('journey keys: no booleans, empty strings, fractions, nulls or objects; no look-alike names', () => {
  const keys = journeyKeys([
    exchange(200, {
      id: true,
      orderId: '',
      blankId: '   ',
      ratioId: 1.5,
      parentId: null,
      ownerId: { name: 'x' },
      paid: 'yes',
      uuid: 'u-1',
      valid: 'v',
      identity: 'i',
      nested: { userId: 'u-2' },
    }),
  ]);
  expect(keys).toEqual(['u-2']);
});

test('journey keys: only successful calls count; a failed call, an error and a text body give none', () => {
  const keys = journeyKeys([
    exchange(400, { id: 'rejected' }),
    exchange(500, { errorId: 'e-1' }),
    exchange(undefined, undefined),
    exchange(200, 'id: plain text'),
    exchange(204, undefined),
    exchange(302, { id: 'redirected' }, { location: '/orders/r-1' }),
    exchange(201, { id: 'kept' }),
  ]);
  expect(keys).toEqual(['kept']);
});

test("journey keys: a Location header's last path segment, relative or absolute, decoded, whatever the header's case", () => {
  expect(
    journeyKeys([
      exchange(201, undefined, { location: '/orders/o-1' }),
      exchange(201, { id: 'o-2' }, { Location: 'http://orders:8080/orders/o-2/?expand=lines#top' }),
      exchange(202, undefined, { location: '/jobs/a%20b' }),
      exchange(201, undefined, { location: '/' }),
    ]),
  ).toEqual(['o-1', 'o-2', 'a b']);
});

test('the rows query binds the keys as one text[] parameter and quotes every column', () => {
  expect(journeyRowsSql('public.orders', ['id', 'customer_id'])).toBe(
    'SELECT * FROM public.orders WHERE "id"::text = ANY($1::text[]) OR "customer_id"::text = ANY($1::text[])',
  );
  expect(quoteIdent('Order "Id"')).toBe('"Order ""Id"""');
  expect(journeyRowsSql('app."Orders"', ['orderId'])).toBe(
    'SELECT * FROM app."Orders" WHERE "orderId"::text = ANY($1::text[])',
  );
  expect(() => journeyRowsSql('public.audit', [])).toThrow(/No column selects the journey's rows of public.audit/);
});

const catalogTable = (table: Partial<CatalogTable> & Pick<CatalogTable, 'name'>): CatalogTable => ({
  table: `public.${table.name}`,
  schema: 'public',
  key: ['id'],
  correlated: false,
  columns: ['id', 'customer_id', 'correlation_id'],
  keyColumns: ['id', 'customer_id'],
  ...table,
});
const orders = { label: 'postgres/orders', name: 'orders' };

test('a declared key column wins over the guess and over correlation_id; [] leaves the table out', () => {
  const table = catalogTable({ name: 'orders', correlated: true });
  expect(rowSelection(table, orders, {}).selection).toEqual({ by: 'correlation' });
  expect(rowSelection({ ...table, correlated: false }, orders, {}).selection).toEqual({
    by: 'keys',
    columns: ['id', 'customer_id'],
  });
  expect(rowSelection({ ...table, keyColumns: [], correlated: false }, orders, {}).selection).toEqual({ by: 'none' });
  for (const name of ['orders:public.orders', 'postgres/orders:public.orders', 'orders:orders']) {
    expect(rowSelection(table, orders, { [name]: 'customer_id' })).toEqual({
      selection: { by: 'keys', columns: ['customer_id'] },
      declaredBy: name,
    });
  }
  expect(rowSelection(table, orders, { 'payments:public.orders': 'customer_id' }).selection).toEqual({
    by: 'correlation',
  });
  expect(rowSelection(table, orders, { 'orders:orders': [] }).selection).toEqual({ by: 'none' });
  expect(() => rowSelection(table, orders, { 'orders:orders': ['customer'] })).toThrow(
    'snapshotKeyColumns["orders:orders"] names "customer", which postgres/orders:public.orders does not have (its columns: id, customer_id, correlation_id)',
  );
});

test("the second pass adds the found rows' single-column primary keys, not a composite key's parts", () => {
  expect(
    extendedKeys(
      ['o-1'],
      [
        { key: ['id'], rows: [{ id: 'p-1' }, { id: 'o-1' }, { id: 7 }] },
        { key: ['order_id', 'line_no'], rows: [{ order_id: 'o-1', line_no: 1 }] },
        { key: [], rows: [{ id: 'no-key' }] },
      ],
    ),
  ).toEqual(['o-1', 'p-1', '7']);
});

/** Two services' databases without a correlation_id column, with another journey's rows beside ours. */
const shopWithoutCorrelation = (): Record<string, FakeTable[]> => ({
  orders: [
    {
      name: 'orders',
      key: ['id'],
      columns: ['id', 'customer_id', 'status'],
      keyColumns: ['id'],
      rows: [
        { id: 'o-1', customer_id: 'c-1', status: 'PAID' },
        { id: 'o-other', customer_id: 'c-1', status: 'PAID' },
      ],
    },
    {
      name: 'order_lines',
      key: ['order_id', 'line_no'],
      columns: ['order_id', 'line_no', 'sku'],
      rows: [
        { order_id: 'o-1', line_no: 1, sku: 'sku-1' },
        { order_id: 'o-other', line_no: 1, sku: 'sku-1' },
      ],
    },
    { name: 'currencies', key: ['code'], columns: ['code', 'name'], keyColumns: [], rows: [{ code: 'EUR' }] },
  ],
  payments: [
    {
      name: 'payments',
      key: ['id'],
      columns: ['id', 'order_id', 'status'],
      rows: [
        { id: 'p-1', order_id: 'o-1', status: 'CAPTURED' },
        { id: 'p-other', order_id: 'o-other', status: 'CAPTURED' },
      ],
    },
    {
      name: 'payment_items',
      key: ['id'],
      columns: ['id', 'payment_id', 'amount'],
      rows: [
        { id: 'pi-1', payment_id: 'p-1', amount: 100 },
        { id: 'pi-other', payment_id: 'p-other', amount: 100 },
      ],
    },
  ],
});

test("a snapshot finds the journey's rows by the keys its calls returned, then the rows that reference those", async () => {
  const { db, queries } = fakeDatabases(shopWithoutCorrelation());
  const exchanges: ApiExchange[] = [];
  const snapshots = snapshotter(db, 'cj-journey-1', { exchanges });
  exchanges.push(exchange(201, { id: 'o-1', status: 'PENDING' })); // after the snapshotter was made: read at take()
  const snapshot = await snapshots.take('paid');
  expect(snapshot.tables).toEqual({
    'postgres/orders:public.orders': [{ id: 'o-1', customer_id: 'c-1', status: 'PAID' }],
    'postgres/orders:public.order_lines': [{ order_id: 'o-1', line_no: 1, sku: 'sku-1' }],
    'postgres/payments:public.payments': [{ id: 'p-1', order_id: 'o-1', status: 'CAPTURED' }],
    // Its payment_id is no key the journey was given: found in the second pass, by the payment found in the first.
    'postgres/payments:public.payment_items': [{ id: 'pi-1', payment_id: 'p-1', amount: 100 }],
  });
  expect(snapshot.keys).toEqual(['o-1', 'p-1']);
  const rowQueries = queries.filter((q) => q.sql.startsWith('SELECT * FROM'));
  // The keys travel as a parameter, never in the SQL; two passes at most, each table once per pass.
  expect(rowQueries.every((q) => !q.sql.includes('o-1') && Array.isArray(q.params[0]))).toBe(true);
  expect(rowQueries.map((q) => [q.sql, q.params])).toEqual([
    ['SELECT * FROM public.orders WHERE "id"::text = ANY($1::text[])', [['o-1']]],
    ['SELECT * FROM public.order_lines WHERE "order_id"::text = ANY($1::text[])', [['o-1']]],
    [
      'SELECT * FROM public.payments WHERE "id"::text = ANY($1::text[]) OR "order_id"::text = ANY($1::text[])',
      [['o-1']],
    ],
    [
      'SELECT * FROM public.payment_items WHERE "id"::text = ANY($1::text[]) OR "payment_id"::text = ANY($1::text[])',
      [['o-1']],
    ],
    ['SELECT * FROM public.orders WHERE "id"::text = ANY($1::text[])', [['o-1', 'p-1']]],
    ['SELECT * FROM public.order_lines WHERE "order_id"::text = ANY($1::text[])', [['o-1', 'p-1']]],
    [
      'SELECT * FROM public.payments WHERE "id"::text = ANY($1::text[]) OR "order_id"::text = ANY($1::text[])',
      [['o-1', 'p-1']],
    ],
    [
      'SELECT * FROM public.payment_items WHERE "id"::text = ANY($1::text[]) OR "payment_id"::text = ANY($1::text[])',
      [['o-1', 'p-1']],
    ],
  ]);
});

test('without keys, tables without correlation_id give nothing; tables with it still give the correlation id rows', async () => {
  const tables = shopWithoutCorrelation();
  tables.orders!.push({
    name: 'audit',
    key: ['id'],
    columns: ['id', 'correlation_id', 'action'],
    rows: [
      { id: 'a-1', correlation_id: 'cj-journey-1', action: 'login' },
      { id: 'a-2', correlation_id: 'cj-other', action: 'login' },
    ],
  });
  const { db, queries } = fakeDatabases(tables);
  const exchanges = [exchange(200, { healthy: true }), exchange(404, { id: 'o-1' })];
  const snapshot = await snapshotter(db, 'cj-journey-1', { exchanges }).take();
  expect(snapshot.tables).toEqual({
    'postgres/orders:public.audit': [{ id: 'a-1', correlation_id: 'cj-journey-1', action: 'login' }],
  });
  expect(queries.filter((q) => q.sql.startsWith('SELECT * FROM')).map((q) => [q.sql, q.params])).toEqual([
    ['SELECT * FROM public.audit WHERE correlation_id = $1', ['cj-journey-1']],
  ]);
});

test('around a step: the rows the step created are added, read by the keys known after it; the catalog is read once per database', async () => {
  const tables = shopWithoutCorrelation();
  const { db, queries } = fakeDatabases(tables);
  const exchanges: ApiExchange[] = [exchange(201, { id: 'o-1' })];
  const snapshots = snapshotter(db, 'cj-journey-1', { exchanges });
  const { diff } = await snapshots.around('refund', async () => {
    tables.payments![0]!.rows.push({ id: 'rf-1', order_id: 'o-1', status: 'REFUNDED' });
    tables.orders![0]!.rows[0]!.status = 'REFUNDED';
    exchanges.push(exchange(201, { refundId: 'rf-1' }));
  });
  expect(diff.tables).toEqual({
    'postgres/orders:public.orders': {
      added: [],
      removed: [],
      changed: [{ key: '["o-1"]', fields: { status: { before: 'PAID', after: 'REFUNDED' } } }],
    },
    'postgres/payments:public.payments': {
      added: [{ id: 'rf-1', order_id: 'o-1', status: 'REFUNDED' }],
      removed: [],
      changed: [],
    },
  });
  expect(queries.filter((q) => q.sql.includes('pg_class')).map((q) => q.database)).toEqual([
    'postgres/orders',
    'postgres/payments',
  ]);
});

test('a declared key column selects the rows by it alone; a declaration naming no table fails the snapshot', async () => {
  const { db } = fakeDatabases(shopWithoutCorrelation());
  const exchanges = [exchange(200, { customerId: 'c-1' })];
  const byCustomer = await snapshotter(db, 'cj-journey-1', {
    exchanges,
    keyColumns: { 'orders:public.orders': 'customer_id', 'postgres/orders:order_lines': [] },
  }).take();
  expect(byCustomer.tables['postgres/orders:public.orders']).toEqual([
    { id: 'o-1', customer_id: 'c-1', status: 'PAID' },
    { id: 'o-other', customer_id: 'c-1', status: 'PAID' },
  ]);
  // Found in the second pass, by the orders' ids; the lines are left out as declared.
  expect(byCustomer.tables['postgres/payments:public.payments']).toHaveLength(2);
  expect(byCustomer.tables['postgres/orders:public.order_lines']).toBeUndefined();

  const byId = snapshotter(db, 'cj-journey-1', {
    exchanges: [exchange(201, { id: 'o-1' })],
    keyColumns: { 'orders:public.orders': 'customer_id' },
  });
  expect((await byId.take()).tables['postgres/orders:public.orders']).toEqual([]);

  await expect(
    snapshotter(db, 'cj-journey-1', { exchanges, keyColumns: { 'orders:public.ordres': 'customer_id' } }).take(),
  ).rejects.toThrow(
    'snapshotKeyColumns names "orders:public.ordres": no such table in the databases snapshots read (postgres/orders, postgres/payments).',
  );
});

test("a database dropped since its catalog was read (another worker's scratch) contributes nothing", async () => {
  const { db, dropped } = fakeDatabases(shopWithoutCorrelation());
  const snapshots = snapshotter(db, 'cj-journey-1', { exchanges: [exchange(201, { id: 'o-1' })] });
  expect(Object.keys((await snapshots.take()).tables)).toHaveLength(4);
  dropped.add('payments');
  expect((await snapshots.take()).tables).toEqual({
    'postgres/orders:public.orders': [{ id: 'o-1', customer_id: 'c-1', status: 'PAID' }],
    'postgres/orders:public.order_lines': [{ order_id: 'o-1', line_no: 1, sku: 'sku-1' }],
    'postgres/payments:public.payments': [],
    'postgres/payments:public.payment_items': [],
  });
});
