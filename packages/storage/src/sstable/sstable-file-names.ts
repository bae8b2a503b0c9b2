/**
 * The component files of one SSTable generation, all in the table's directory:
 * `cha-<generation>-<Component>.db`, and the table of contents `cha-<generation>-TOC.txt`
 * (written last: its presence is what makes a generation complete).
 */
export type SSTableComponent = 'Data' | 'Index' | 'Summary' | 'Filter' | 'Statistics' | 'Digest' | 'TOC';

/** Every component, in the order the TOC lists them (TOC last, as it is written last). */
export const SSTABLE_COMPONENTS: readonly SSTableComponent[] = ['Data', 'Index', 'Summary', 'Filter', 'Statistics', 'Digest', 'TOC'];

const FILE_NAME = /^cha-(\d{1,15})-(Data|Index|Summary|Filter|Statistics|Digest)\.db$|^cha-(\d{1,15})-TOC\.txt$/;

/** The file name of `component` of `generation` (a non-negative safe integer). */
export function sstableFileName(generation: number, component: SSTableComponent): string {
  return component === 'TOC' ? `cha-${generation}-TOC.txt` : `cha-${generation}-${component}.db`;
}

/** The generation and component of an SSTable file name; null for any other name. */
export function parseSSTableFileName(name: string): { generation: number; component: SSTableComponent } | null {
  const m = FILE_NAME.exec(name);
  if (m === null) return null;
  if (m[3] !== undefined) return { generation: Number(m[3]), component: 'TOC' };
  return { generation: Number(m[1]), component: m[2] as SSTableComponent };
}
