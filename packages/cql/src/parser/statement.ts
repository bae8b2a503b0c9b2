import type { BindMarkerInfo } from './ast-common';
import type { AuthStatement } from './ast-auth';
import type { DmlStatement } from './ast-dml';
import type { SchemaStatement } from './ast-schema';

/** Any CQL statement; `kind` tells which. */
export type Statement = DmlStatement | SchemaStatement | AuthStatement;

/** What `parseCqlStatement` returns: the AST and the bind markers in statement order. */
export interface ParsedStatement {
  readonly statement: Statement;
  /** One entry per marker; `boundMarkers.length` is the number of values to bind. */
  readonly boundMarkers: readonly BindMarkerInfo[];
}
