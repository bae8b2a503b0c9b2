/**
 * SELECT: restrictions, reads through DataAccess, selection (functions, aggregates,
 * JSON), ordering, grouping, limits and stateless paging; the entry point is prepareSelect.
 */
export { prepareSelect, planSelect } from './prepare-select';
export type { PrepareSelectOptions } from './prepare-select';
export type { SelectTermPreparer } from './select-term-preparer';
export { REQUIRES_ALLOW_FILTERING_MESSAGE } from './select-errors';
export { MAX_PARTITION_KEYS_PER_QUERY, MAX_CLUSTERING_PREFIXES_PER_QUERY } from './bind-restrictions';
export { MAX_FETCHES_PER_PAGE, AGGREGATION_PAGE_ROWS } from './select-executor';
