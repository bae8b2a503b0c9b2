// Which row an operation touches: a row index in [0, population), drawn from a key
// distribution. The workload maps the index to a key (first key + index) and the key to a
// partition and clustering key (--rows-per-partition).
import type { SeededRandom } from './random';
import { ZipfSampler } from './zipf-sampler';

/** A key distribution as given on the command line. */
export type DistributionSpec = { kind: 'seq' } | { kind: 'uniform' } | { kind: 'zipf'; exponent: number };

/** Draws row indexes in [0, population). */
export interface KeySampler {
  next(): number;
}

/** Creates the sampler of a distribution. Every sampler draws from `random` only. */
export function createKeySampler(spec: DistributionSpec, population: number, random: SeededRandom): KeySampler {
  switch (spec.kind) {
    case 'seq':
      return new SequentialSampler(population);
    case 'uniform':
      return { next: () => random.nextInt(population) };
    case 'zipf': {
      const zipf = new ZipfSampler(population, spec.exponent, random);
      // Rank 1 (the most frequent) is row 0, rank 2 row 1, and so on.
      return { next: () => zipf.next() - 1 };
    }
  }
}

/** 0, 1, 2, … population-1, then again from 0: how a population is written once, in order. */
class SequentialSampler implements KeySampler {
  private cursor = 0;

  constructor(private readonly population: number) {}

  next(): number {
    const v = this.cursor;
    this.cursor = v + 1 === this.population ? 0 : v + 1;
    return v;
  }
}

/** The text form of a distribution, as --dist takes it and the summary shows it. */
export function formatDistribution(spec: DistributionSpec): string {
  return spec.kind === 'zipf' ? `zipf:${spec.exponent}` : spec.kind;
}
