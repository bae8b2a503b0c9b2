import type { Term } from '../parser/ast-common';
import { cqlTypeText } from '../parser/cql-type-text';

/**
 * A term as CQL text, the way Cassandra's Term.Raw.getText() renders it in error messages
 * ("value (1, '1', 1.0, 1) is not of type …").
 */
export function termText(term: Term): string {
  switch (term.kind) {
    case 'constant':
      return term.type === 'string' ? `'${term.text.replace(/'/g, "''")}'` : term.text;
    case 'bindMarker':
      return term.name === undefined ? '?' : `:${term.name}`;
    case 'null':
      return 'null';
    case 'list':
      return `[${term.elements.map(termText).join(', ')}]`;
    case 'set':
      return `{${term.elements.map(termText).join(', ')}}`;
    case 'map':
      return `{${term.entries.map((e) => `${termText(e.key)}: ${termText(e.value)}`).join(', ')}}`;
    case 'emptyBraces':
      return '{}';
    case 'tuple':
      return `(${term.elements.map(termText).join(', ')})`;
    case 'udt':
      return `{${term.fields.map((f) => `${f.name}: ${termText(f.value)}`).join(', ')}}`;
    case 'functionCall':
      return `${term.name.keyspace === undefined ? '' : `${term.name.keyspace}.`}${term.name.name}(${term.args.map(termText).join(', ')})`;
    case 'typeHint':
      return `(${cqlTypeText(term.type)})${termText(term.term)}`;
  }
}
