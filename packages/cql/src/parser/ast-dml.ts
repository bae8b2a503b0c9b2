/**
 * AST of the data statements: SELECT, INSERT, UPDATE, DELETE, BATCH, TRUNCATE, USE, and
 * their parts (selectors, WHERE relations, IF conditions, assignments, USING).
 */
import type { BindMarker, FunctionName, QualifiedName, RawType, Term } from './ast-common';

/** Comparison operators of relations and conditions. */
export type CompareOperator = '=' | '<' | '<=' | '>' | '>=' | '!=';

/** `IN (t, …)` or `IN ?` / `IN :name` (one marker bound to a list of values). */
export type InValues =
  | { readonly kind: 'inList'; readonly terms: readonly Term[] }
  | { readonly kind: 'inMarker'; readonly marker: BindMarker };

/** One relation of a WHERE clause (the clause is their conjunction). */
export type Relation =
  /** `c op t`, `c CONTAINS t`, `c CONTAINS KEY t`, `c LIKE t`. */
  | {
      readonly kind: 'compare';
      readonly column: string;
      readonly operator: CompareOperator | 'CONTAINS' | 'CONTAINS KEY' | 'LIKE';
      readonly value: Term;
    }
  /** `c IN (…)` / `c IN ?`. */
  | { readonly kind: 'in'; readonly column: string; readonly values: InValues }
  /** `c IS NOT NULL` (materialized views). */
  | { readonly kind: 'isNotNull'; readonly column: string }
  /** `m[key] op t`. */
  | {
      readonly kind: 'mapElement';
      readonly column: string;
      readonly key: Term;
      readonly operator: CompareOperator;
      readonly value: Term;
    }
  /** `token(a, b) op t`. */
  | { readonly kind: 'token'; readonly columns: readonly string[]; readonly operator: CompareOperator; readonly value: Term }
  /** `(a, b) op (1, 2)` / `(a, b) op ?`: `value` is a tuple literal or a marker. */
  | { readonly kind: 'multiColumn'; readonly columns: readonly string[]; readonly operator: CompareOperator; readonly value: Term }
  /** `(a, b) IN ((1, 2), (3, 4))`, `(a, b) IN (?, ?)`, `(a, b) IN ?`. */
  | { readonly kind: 'multiColumnIn'; readonly columns: readonly string[]; readonly values: InValues };

/** A selector expression of a SELECT clause. */
export type SelectorExpr =
  | { readonly kind: 'column'; readonly name: string }
  /**
   * `writetime(c)`, `writetime(c[key])` for one element of a non-frozen map or set, or
   * `writetime(c.field)` for one field of a UDT.
   */
  | { readonly kind: 'writetime'; readonly column: string; readonly key?: Term; readonly field?: string }
  | { readonly kind: 'ttl'; readonly column: string; readonly key?: Term; readonly field?: string }
  /** `count(*)` or `count(1)`: the number of rows. */
  | { readonly kind: 'countRows' }
  | { readonly kind: 'functionCall'; readonly name: FunctionName; readonly args: readonly SelectorExpr[] }
  | { readonly kind: 'cast'; readonly arg: SelectorExpr; readonly type: RawType }
  /** `udt_column.field`. */
  | { readonly kind: 'field'; readonly receiver: SelectorExpr; readonly field: string }
  /** `m['k']`, `l[0]`. */
  | { readonly kind: 'element'; readonly receiver: SelectorExpr; readonly key: Term }
  /** `s[a..b]`, `s[a..]`, `s[..b]` (ScyllaDB, Cassandra 4): a bound may be absent. */
  | { readonly kind: 'slice'; readonly receiver: SelectorExpr; readonly from: Term | undefined; readonly to: Term | undefined }
  /** A literal or bind marker used as a selector (`f(?, 1)`, `SELECT 1 FROM t`). */
  | { readonly kind: 'term'; readonly term: Term }
  | { readonly kind: 'typeHint'; readonly type: RawType; readonly arg: SelectorExpr }
  | { readonly kind: 'tuple'; readonly elements: readonly SelectorExpr[] }
  | {
      readonly kind: 'arithmetic';
      readonly operator: '+' | '-' | '*' | '/' | '%';
      readonly left: SelectorExpr;
      readonly right: SelectorExpr;
    }
  | { readonly kind: 'negation'; readonly arg: SelectorExpr };

/** One selector with its optional `AS alias`. */
export interface Selector {
  readonly expr: SelectorExpr;
  readonly alias: string | undefined;
}

export interface Ordering {
  readonly column: string;
  readonly order: 'asc' | 'desc';
}

export interface SelectStatement {
  readonly kind: 'select';
  readonly table: QualifiedName;
  readonly json: boolean;
  readonly distinct: boolean;
  /** `SELECT *`: then `selectors` is empty. */
  readonly wildcard: boolean;
  readonly selectors: readonly Selector[];
  readonly where: readonly Relation[];
  readonly groupBy: readonly string[];
  readonly orderBy: readonly Ordering[];
  readonly perPartitionLimit: Term | undefined;
  readonly limit: Term | undefined;
  readonly allowFiltering: boolean;
  /** ScyllaDB's `BYPASS CACHE`. */
  readonly bypassCache: boolean;
  /** ScyllaDB's `USING TIMEOUT d`. */
  readonly timeout: Term | undefined;
}

/** `USING TTL t AND TIMESTAMP t AND TIMEOUT t` (TIMEOUT is ScyllaDB's). */
export interface UsingClause {
  readonly ttl: Term | undefined;
  readonly timestamp: Term | undefined;
  readonly timeout: Term | undefined;
}

/** The column an IF condition or assignment targets: `c`, `c[key]` or `c.field`. */
export type ColumnTarget =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'element'; readonly column: string; readonly key: Term }
  | { readonly kind: 'field'; readonly column: string; readonly field: string };

/** One lightweight-transaction condition: `IF c op t AND c[k] IN (…) …`. */
export type Condition =
  | { readonly kind: 'compare'; readonly target: ColumnTarget; readonly operator: CompareOperator; readonly value: Term }
  | { readonly kind: 'in'; readonly target: ColumnTarget; readonly values: InValues };

/** `IF EXISTS`, `IF NOT EXISTS` (INSERT) or `IF conditions`; `none` without IF. */
export type StatementCondition =
  | { readonly kind: 'none' }
  | { readonly kind: 'ifExists' }
  | { readonly kind: 'ifNotExists' }
  | { readonly kind: 'if'; readonly conditions: readonly Condition[] };

export interface InsertStatement {
  readonly kind: 'insert';
  readonly table: QualifiedName;
  readonly values:
    | { readonly kind: 'values'; readonly columns: readonly string[]; readonly terms: readonly Term[] }
    /** `JSON 'doc'` / `JSON ?`; `defaultUnset` for `DEFAULT UNSET` (the default is NULL). */
    | { readonly kind: 'json'; readonly json: Term; readonly defaultUnset: boolean };
  /** `none` or `ifNotExists`. */
  readonly condition: StatementCondition;
  readonly using: UsingClause;
}

/** One SET assignment of an UPDATE. */
export type Assignment =
  /** `c = t`, `c[k] = t`, `c.f = t`. */
  | { readonly kind: 'set'; readonly target: ColumnTarget; readonly value: Term }
  /** `c = c + t` / `c += t`: counter increment, collection append/union. */
  | { readonly kind: 'add'; readonly column: string; readonly value: Term }
  /** `c = t + c`: list prepend. */
  | { readonly kind: 'prepend'; readonly column: string; readonly value: Term }
  /** `c = c - t` / `c -= t`: counter decrement, collection removal. */
  | { readonly kind: 'subtract'; readonly column: string; readonly value: Term };

export interface UpdateStatement {
  readonly kind: 'update';
  readonly table: QualifiedName;
  readonly using: UsingClause;
  readonly assignments: readonly Assignment[];
  readonly where: readonly Relation[];
  /** `none`, `ifExists` or `if`. */
  readonly condition: StatementCondition;
}

export interface DeleteStatement {
  readonly kind: 'delete';
  /** What to delete; empty for whole rows. */
  readonly targets: readonly ColumnTarget[];
  readonly table: QualifiedName;
  readonly using: UsingClause;
  readonly where: readonly Relation[];
  /** `none`, `ifExists` or `if`. */
  readonly condition: StatementCondition;
}

export type ModificationStatement = InsertStatement | UpdateStatement | DeleteStatement;

export interface BatchStatement {
  readonly kind: 'batch';
  readonly type: 'logged' | 'unlogged' | 'counter';
  readonly using: UsingClause;
  readonly statements: readonly ModificationStatement[];
}

export interface TruncateStatement {
  readonly kind: 'truncate';
  readonly table: QualifiedName;
}

export interface UseStatement {
  readonly kind: 'use';
  readonly keyspace: string;
}

export type DmlStatement = SelectStatement | ModificationStatement | BatchStatement | TruncateStatement | UseStatement;
