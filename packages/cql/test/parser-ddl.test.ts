import { parseCqlType } from '@charybdis/schema';
import { cqlTypeText, parseCqlStatement } from '../src/parser';
import type { Constant, RawType, Statement } from '../src/parser';

const str = (text: string): Constant => ({ kind: 'constant', type: 'string', text });
const int = (text: string): Constant => ({ kind: 'constant', type: 'integer', text });
const native = (name: string): RawType => ({ kind: 'native', name });
const name = (n: string, keyspace?: string) => ({ keyspace, name: n });
const noOptions = { properties: [], clusteringOrder: [], compactStorage: false };

function parsed(text: string): Statement {
  return parseCqlStatement(text).statement;
}

describe('keyspace and table DDL', () => {
  test.each<[string, Statement]>([
    [
      "CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND durable_writes = false",
      {
        kind: 'createKeyspace',
        keyspace: 'ks',
        ifNotExists: true,
        properties: [
          { name: 'replication', value: { kind: 'propertyMap', entries: [{ key: str('class'), value: str('NetworkTopologyStrategy') }, { key: str('dc1'), value: int('3') }] } },
          { name: 'durable_writes', value: { kind: 'constant', type: 'boolean', text: 'false' } },
        ],
      },
    ],
    [
      "ALTER KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      {
        kind: 'alterKeyspace',
        keyspace: 'ks',
        ifExists: false,
        properties: [{ name: 'replication', value: { kind: 'propertyMap', entries: [{ key: str('class'), value: str('SimpleStrategy') }, { key: str('replication_factor'), value: int('1') }] } }],
      },
    ],
    // WITH is optional (ScyllaDB): the catalog applies the replication defaults
    ['CREATE KEYSPACE ks', { kind: 'createKeyspace', keyspace: 'ks', ifNotExists: false, properties: [] }],
    ['DROP KEYSPACE IF EXISTS ks', { kind: 'drop', target: 'keyspace', name: name('ks'), ifExists: true }],
    ['DROP SCHEMA ks', { kind: 'drop', target: 'keyspace', name: name('ks'), ifExists: false }],
    // Cassandra's grammar makes each definition after a comma optional: empty ones are skipped
    [
      'CREATE TABLE ks.t (k int, , PRIMARY KEY (k),, v int,)',
      {
        kind: 'createTable',
        table: name('t', 'ks'),
        ifNotExists: false,
        columns: [
          { name: 'k', type: native('int'), isStatic: false },
          { name: 'v', type: native('int'), isStatic: false },
        ],
        primaryKeys: [{ partitionKey: ['k'], clustering: [] }],
        options: noOptions,
      },
    ],
    [
      'CREATE TABLE ks.t (k int PRIMARY KEY, v text, s set<int> STATIC,)',
      {
        kind: 'createTable',
        table: name('t', 'ks'),
        ifNotExists: false,
        columns: [
          { name: 'k', type: native('int'), isStatic: false },
          { name: 'v', type: native('text'), isStatic: false },
          { name: 's', type: { kind: 'set', element: native('int') }, isStatic: true },
        ],
        primaryKeys: [{ partitionKey: ['k'], clustering: [] }],
        options: noOptions,
      },
    ],
    [
      "CREATE TABLE IF NOT EXISTS t (a int, b text, c timeuuid, d frozen<map<text, list<int>>>, e tuple<int, \"Addr\">, f ks.addr, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND COMPACT STORAGE AND comment = 'x' AND gc_grace_seconds = 10 AND caching = {'keys': 'ALL'} AND speculative_retry = NONE",
      {
        kind: 'createTable',
        table: name('t'),
        ifNotExists: true,
        columns: [
          { name: 'a', type: native('int'), isStatic: false },
          { name: 'b', type: native('text'), isStatic: false },
          { name: 'c', type: native('timeuuid'), isStatic: false },
          { name: 'd', type: { kind: 'frozen', inner: { kind: 'map', key: native('text'), value: { kind: 'list', element: native('int') } } }, isStatic: false },
          { name: 'e', type: { kind: 'tuple', elements: [native('int'), { kind: 'udt', keyspace: undefined, name: 'Addr' }] }, isStatic: false },
          { name: 'f', type: { kind: 'udt', keyspace: 'ks', name: 'addr' }, isStatic: false },
        ],
        primaryKeys: [{ partitionKey: ['a', 'b'], clustering: ['c'] }],
        options: {
          properties: [
            { name: 'comment', value: str('x') },
            { name: 'gc_grace_seconds', value: int('10') },
            { name: 'caching', value: { kind: 'propertyMap', entries: [{ key: str('keys'), value: str('ALL') }] } },
            { name: 'speculative_retry', value: { kind: 'identifier', name: 'none' } },
          ],
          clusteringOrder: [{ column: 'c', order: 'desc' }],
          compactStorage: true,
        },
      },
    ],
    [
      'CREATE TABLE t (a int PRIMARY KEY, b int, PRIMARY KEY (b))',
      {
        kind: 'createTable',
        table: name('t'),
        ifNotExists: false,
        columns: [
          { name: 'a', type: native('int'), isStatic: false },
          { name: 'b', type: native('int'), isStatic: false },
        ],
        primaryKeys: [
          { partitionKey: ['a'], clustering: [] },
          { partitionKey: ['b'], clustering: [] },
        ],
        options: noOptions,
      },
    ],
    [
      'ALTER TABLE t ADD (x int, y list<text> static)',
      {
        kind: 'alterTable',
        table: name('t'),
        ifExists: false,
        action: {
          kind: 'addColumns',
          ifNotExists: false,
          columns: [
            { name: 'x', type: native('int'), isStatic: false },
            { name: 'y', type: { kind: 'list', element: native('text') }, isStatic: true },
          ],
        },
      },
    ],
    ['ALTER TABLE t ADD z blob', { kind: 'alterTable', table: name('t'), ifExists: false, action: { kind: 'addColumns', ifNotExists: false, columns: [{ name: 'z', type: native('blob'), isStatic: false }] } }],
    ['ALTER TABLE t DROP x', { kind: 'alterTable', table: name('t'), ifExists: false, action: { kind: 'dropColumns', ifExists: false, columns: ['x'], timestamp: undefined } }],
    ['ALTER TABLE IF EXISTS t DROP (x, y) USING TIMESTAMP 5', { kind: 'alterTable', table: name('t'), ifExists: true, action: { kind: 'dropColumns', ifExists: false, columns: ['x', 'y'], timestamp: int('5') } }],
    ['ALTER TABLE t DROP COMPACT STORAGE', { kind: 'alterTable', table: name('t'), ifExists: false, action: { kind: 'dropCompactStorage' } }],
    [
      'ALTER TABLE t RENAME a TO b AND c TO "D"',
      { kind: 'alterTable', table: name('t'), ifExists: false, action: { kind: 'renameColumns', ifExists: false, renames: [{ from: 'a', to: 'b' }, { from: 'c', to: 'D' }] } },
    ],
    ['ALTER TABLE t ALTER v TYPE blob', { kind: 'alterTable', table: name('t'), ifExists: false, action: { kind: 'alterColumnType', column: 'v', type: native('blob') } }],
    [
      "ALTER TABLE t WITH comment = 'c' AND default_time_to_live = 0",
      { kind: 'alterTable', table: name('t'), ifExists: false, action: { kind: 'withProperties', properties: [{ name: 'comment', value: str('c') }, { name: 'default_time_to_live', value: int('0') }] } },
    ],
    ['DROP TABLE IF EXISTS ks.t', { kind: 'drop', target: 'table', name: name('t', 'ks'), ifExists: true }],
  ])('%s', (text, statement) => {
    expect(parsed(text)).toEqual(statement);
  });
});

describe('types, indexes, views, triggers, functions', () => {
  test.each<[string, Statement]>([
    [
      'CREATE TYPE IF NOT EXISTS ks.addr (street text, "Zip" int, tags frozen<set<text>>)',
      {
        kind: 'createType',
        type: name('addr', 'ks'),
        ifNotExists: true,
        fields: [
          { name: 'street', type: native('text') },
          { name: 'Zip', type: native('int') },
          { name: 'tags', type: { kind: 'frozen', inner: { kind: 'set', element: native('text') } } },
        ],
      },
    ],
    ['ALTER TYPE addr ADD city text', { kind: 'alterType', type: name('addr'), ifExists: false, action: { kind: 'addField', ifNotExists: false, field: { name: 'city', type: native('text') } } }],
    ['ALTER TYPE addr RENAME a TO b AND c TO d', { kind: 'alterType', type: name('addr'), ifExists: false, action: { kind: 'renameFields', ifExists: false, renames: [{ from: 'a', to: 'b' }, { from: 'c', to: 'd' }] } }],
    ['DROP TYPE IF EXISTS addr', { kind: 'drop', target: 'type', name: name('addr'), ifExists: true }],
    [
      'CREATE INDEX IF NOT EXISTS idx ON ks.t (v)',
      { kind: 'createIndex', custom: false, name: 'idx', ifNotExists: true, table: name('t', 'ks'), targets: [{ kind: 'simple', column: 'v' }], using: undefined, properties: [] },
    ],
    [
      'CREATE INDEX ON t (keys(m))',
      { kind: 'createIndex', custom: false, name: undefined, ifNotExists: false, table: name('t'), targets: [{ kind: 'keys', column: 'm' }], using: undefined, properties: [] },
    ],
    [
      'CREATE INDEX ON t ((p1, p2), v)',
      {
        kind: 'createIndex',
        custom: false,
        name: undefined,
        ifNotExists: false,
        table: name('t'),
        targets: [{ kind: 'partitionKey', columns: ['p1', 'p2'] }, { kind: 'simple', column: 'v' }],
        using: undefined,
        properties: [],
      },
    ],
    [
      "CREATE CUSTOM INDEX i ON t (full(l)) USING 'org.Sai' WITH OPTIONS = {'mode': 'CONTAINS'}",
      {
        kind: 'createIndex',
        custom: true,
        name: 'i',
        ifNotExists: false,
        table: name('t'),
        targets: [{ kind: 'full', column: 'l' }],
        using: 'org.Sai',
        properties: [{ name: 'options', value: { kind: 'propertyMap', entries: [{ key: str('mode'), value: str('CONTAINS') }] } }],
      },
    ],
    ['DROP INDEX ks.idx', { kind: 'drop', target: 'index', name: name('idx', 'ks'), ifExists: false }],
    [
      "CREATE MATERIALIZED VIEW IF NOT EXISTS ks.mv AS SELECT * FROM ks.t WHERE v IS NOT NULL AND k IS NOT NULL PRIMARY KEY ((v), k) WITH CLUSTERING ORDER BY (k ASC) AND comment = 'x'",
      {
        kind: 'createMaterializedView',
        view: name('mv', 'ks'),
        ifNotExists: true,
        wildcard: true,
        selectors: [],
        baseTable: name('t', 'ks'),
        where: [
          { kind: 'isNotNull', column: 'v' },
          { kind: 'isNotNull', column: 'k' },
        ],
        whereText: 'v IS NOT NULL AND k IS NOT NULL',
        primaryKey: { partitionKey: ['v'], clustering: ['k'] },
        options: { properties: [{ name: 'comment', value: str('x') }], clusteringOrder: [{ column: 'k', order: 'asc' }], compactStorage: false },
      },
    ],
    ["ALTER MATERIALIZED VIEW mv WITH comment = 'y'", { kind: 'alterMaterializedView', view: name('mv'), ifExists: false, properties: [{ name: 'comment', value: str('y') }] }],
    ['DROP MATERIALIZED VIEW IF EXISTS ks.mv', { kind: 'drop', target: 'materializedView', name: name('mv', 'ks'), ifExists: true }],
    ["CREATE TRIGGER trg ON t USING 'org.Trigger'", { kind: 'createTrigger', name: 'trg', ifNotExists: false, table: name('t'), className: 'org.Trigger' }],
    ['DROP TRIGGER IF EXISTS trg ON ks.t', { kind: 'dropTrigger', name: 'trg', ifExists: true, table: name('t', 'ks') }],
    [
      "CREATE OR REPLACE FUNCTION ks.plus(a int, b int) CALLED ON NULL INPUT RETURNS int LANGUAGE lua AS 'return a + b'",
      {
        kind: 'createFunction',
        name: name('plus', 'ks'),
        orReplace: true,
        ifNotExists: false,
        args: [
          { name: 'a', type: native('int') },
          { name: 'b', type: native('int') },
        ],
        calledOnNullInput: true,
        returnType: native('int'),
        language: 'lua',
        body: 'return a + b',
      },
    ],
    [
      'CREATE FUNCTION IF NOT EXISTS f() RETURNS NULL ON NULL INPUT RETURNS text LANGUAGE java AS $$ return "x"; $$',
      { kind: 'createFunction', name: name('f'), orReplace: false, ifNotExists: true, args: [], calledOnNullInput: false, returnType: native('text'), language: 'java', body: ' return "x"; ' },
    ],
    [
      'CREATE AGGREGATE ks.avg2(int) SFUNC acc STYPE tuple<int, bigint> FINALFUNC fin INITCOND (0, 0)',
      {
        kind: 'createAggregate',
        name: name('avg2', 'ks'),
        orReplace: false,
        ifNotExists: false,
        argTypes: [native('int')],
        stateFunction: 'acc',
        stateType: { kind: 'tuple', elements: [native('int'), native('bigint')] },
        finalFunction: 'fin',
        reduceFunction: undefined,
        initCondition: { kind: 'tuple', elements: [int('0'), int('0')] },
      },
    ],
    ['DROP FUNCTION IF EXISTS ks.plus(int, int)', { kind: 'dropFunction', aggregate: false, name: name('plus', 'ks'), ifExists: true, argTypes: [native('int'), native('int')] }],
    ['DROP AGGREGATE avg2', { kind: 'dropFunction', aggregate: true, name: name('avg2'), ifExists: false, argTypes: undefined }],
  ])('%s', (text, statement) => {
    expect(parsed(text)).toEqual(statement);
  });
});

describe('roles, users and permissions', () => {
  const noRoleOptions = { password: undefined, hashedPassword: undefined, login: undefined, superuser: undefined, options: undefined, datacenters: undefined };
  test.each<[string, Statement]>([
    [
      "CREATE ROLE IF NOT EXISTS alice WITH PASSWORD = 'pw' AND LOGIN = true AND SUPERUSER = false AND OPTIONS = {'k': 'v'} AND ACCESS TO DATACENTERS {'dc1', 'dc2'}",
      {
        kind: 'createRole',
        role: 'alice',
        ifNotExists: true,
        options: { ...noRoleOptions, password: 'pw', login: true, superuser: false, options: [{ key: str('k'), value: str('v') }], datacenters: ['dc1', 'dc2'] },
      },
    ],
    ["CREATE ROLE 'Bob'", { kind: 'createRole', role: 'Bob', ifNotExists: false, options: noRoleOptions }],
    ["ALTER ROLE bob WITH HASHED PASSWORD = 'h' AND ACCESS TO ALL DATACENTERS", { kind: 'alterRole', role: 'bob', ifExists: false, options: { ...noRoleOptions, hashedPassword: 'h', datacenters: 'all' } }],
    ['DROP ROLE IF EXISTS bob', { kind: 'dropRole', role: 'bob', ifExists: true }],
    ["CREATE USER IF NOT EXISTS carol WITH PASSWORD 'pw' SUPERUSER", { kind: 'createUser', user: 'carol', ifNotExists: true, password: 'pw', hashedPassword: undefined, superuser: true }],
    ['ALTER USER carol NOSUPERUSER', { kind: 'alterUser', user: 'carol', ifExists: false, password: undefined, hashedPassword: undefined, superuser: false }],
    ['DROP USER carol', { kind: 'dropUser', user: 'carol', ifExists: false }],
    ['GRANT admin TO bob', { kind: 'grantRole', role: 'admin', grantee: 'bob' }],
    ['REVOKE admin FROM bob', { kind: 'revokeRole', role: 'admin', grantee: 'bob' }],
    ['GRANT SELECT ON ks.t TO bob', { kind: 'grantPermissions', permissions: ['select'], resource: { kind: 'table', table: name('t', 'ks') }, role: 'bob' }],
    ['GRANT ALL PERMISSIONS ON ALL KEYSPACES TO bob', { kind: 'grantPermissions', permissions: 'all', resource: { kind: 'allKeyspaces' }, role: 'bob' }],
    [
      'GRANT MODIFY PERMISSION, SELECT ON TABLE t TO bob',
      { kind: 'grantPermissions', permissions: ['modify', 'select'], resource: { kind: 'table', table: name('t') }, role: 'bob' },
    ],
    ['REVOKE EXECUTE ON FUNCTION ks.f(int) FROM bob', { kind: 'revokePermissions', permissions: ['execute'], resource: { kind: 'function', name: name('f', 'ks'), argTypes: [native('int')] }, role: 'bob' }],
    ['GRANT AUTHORIZE ON ROLE alice TO bob', { kind: 'grantPermissions', permissions: ['authorize'], resource: { kind: 'role', role: 'alice' }, role: 'bob' }],
    ['GRANT DESCRIBE ON ALL ROLES TO bob', { kind: 'grantPermissions', permissions: ['describe'], resource: { kind: 'allRoles' }, role: 'bob' }],
    ['GRANT CREATE ON ALL FUNCTIONS IN KEYSPACE ks TO bob', { kind: 'grantPermissions', permissions: ['create'], resource: { kind: 'allFunctions', keyspace: 'ks' }, role: 'bob' }],
    ["GRANT SELECT ON MBEANS 'org.*' TO bob", { kind: 'grantPermissions', permissions: ['select'], resource: { kind: 'mbean', name: 'org.*', pattern: true }, role: 'bob' }],
    ['GRANT DROP ON KEYSPACE ks TO bob', { kind: 'grantPermissions', permissions: ['drop'], resource: { kind: 'keyspace', keyspace: 'ks' }, role: 'bob' }],
    ['LIST ROLES', { kind: 'listRoles', role: undefined, recursive: true }],
    ['LIST ROLES OF bob NORECURSIVE', { kind: 'listRoles', role: 'bob', recursive: false }],
    ['LIST USERS', { kind: 'listUsers' }],
    ['LIST ALL', { kind: 'listPermissions', permissions: 'all', resource: undefined, role: undefined, recursive: true }],
    ['LIST SELECT ON KEYSPACE ks OF bob', { kind: 'listPermissions', permissions: ['select'], resource: { kind: 'keyspace', keyspace: 'ks' }, role: 'bob', recursive: true }],
  ])('%s', (text, statement) => {
    expect(parsed(text)).toEqual(statement);
  });
});

describe('cqlTypeText', () => {
  test.each<[string, string]>([
    ['int', 'int'],
    ['varchar', 'varchar'],
    ['frozen<map<text, list<int>>>', 'frozen<map<text, list<int>>>'],
    ['tuple<int, "Addr", ks.other>', 'tuple<int, "Addr", "ks"."other">'],
    ["'org.apache.Custom'", "'org.apache.Custom'"],
  ])('%s prints as %s', (written, printed) => {
    const statement = parsed(`CREATE TABLE t (k int PRIMARY KEY, v ${written})`);
    if (statement.kind !== 'createTable') throw new Error('not a table');
    expect(cqlTypeText(statement.columns[1]!.type)).toBe(printed);
  });

  test('the printed text resolves through parseCqlType, UDTs included', () => {
    const statement = parsed('CREATE TABLE t (k int PRIMARY KEY, v map<varchar, frozen<tuple<int, "Addr">>>)');
    if (statement.kind !== 'createTable') throw new Error('not a table');
    const resolved: Array<[string | undefined, string]> = [];
    const type = parseCqlType(cqlTypeText(statement.columns[1]!.type), {
      resolveUdt: (keyspace, udt) => {
        resolved.push([keyspace, udt]);
        return { kind: 'udt', keyspace: 'ks', name: udt, fields: [{ name: 'n', type: { kind: 'native', name: 'int' } }], frozen: false };
      },
    });
    expect(resolved).toEqual([[undefined, 'Addr']]);
    expect(type.kind).toBe('map');
  });
});

describe('DESCRIBE', () => {
  test.each<[string, unknown]>([
    ['DESCRIBE KEYSPACES', { kind: 'describe', full: false, target: { kind: 'keyspaces' } }],
    ['DESC FULL SCHEMA WITH INTERNALS', { kind: 'describe', full: true, target: { kind: 'schema' } }],
    ['DESCRIBE KEYSPACE', { kind: 'describe', full: false, target: { kind: 'keyspace', keyspace: undefined, only: false } }],
    ['describe only keyspace "Ks";', { kind: 'describe', full: false, target: { kind: 'keyspace', keyspace: 'Ks', only: true } }],
    ['DESCRIBE TABLE ks.t', { kind: 'describe', full: false, target: { kind: 'table', name: { keyspace: 'ks', name: 't' } } }],
    ['DESCRIBE COLUMNFAMILY t', { kind: 'describe', full: false, target: { kind: 'table', name: { keyspace: undefined, name: 't' } } }],
    ['DESCRIBE TABLES', { kind: 'describe', full: false, target: { kind: 'tables' } }],
    ['DESCRIBE TYPE ks.u', { kind: 'describe', full: false, target: { kind: 'type', name: { keyspace: 'ks', name: 'u' } } }],
    ['DESCRIBE INDEX i', { kind: 'describe', full: false, target: { kind: 'index', name: { keyspace: undefined, name: 'i' } } }],
    ['DESCRIBE ks.t', { kind: 'describe', full: false, target: { kind: 'element', name: { keyspace: 'ks', name: 't' } } }],
  ])('%s', (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  test('bad forms are syntax errors', () => {
    expect(() => parsed('DESCRIBE')).toThrow(/line 1:8/);
    expect(() => parsed('DESCRIBE ONLY TABLE t')).toThrow(/K_KEYSPACE/);
    expect(() => parsed('DESCRIBE TABLE t WITH x')).toThrow(/K_INTERNALS/);
  });
});
