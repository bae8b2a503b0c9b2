import type { Term } from '../parser/ast-common';
import type { InValues } from '../parser/ast-dml';
import type { PreparedInValues, PreparedTerm, TermReceiver } from '../terms/term-types';
import type { TermScope } from '../terms';
import { prepareInValues, prepareTerm } from '../terms';

/**
 * How SELECT prepares the values written in its WHERE clause and LIMITs: the terms
 * module's functions. A seam so that unit tests of SELECT can run against a double while
 * keeping production wired to the one implementation of literal conversion.
 */
export interface SelectTermPreparer {
  prepareTerm(term: Term, receiver: TermReceiver, scope: TermScope): PreparedTerm;
  prepareInValues(values: InValues, receiver: TermReceiver, scope: TermScope): PreparedInValues;
}

/** The production preparer (src/terms). */
export const DEFAULT_SELECT_TERM_PREPARER: SelectTermPreparer = { prepareTerm, prepareInValues };
