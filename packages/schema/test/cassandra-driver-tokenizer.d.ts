// The Node driver's internal tokenizer (what its token-aware routing uses); it ships no types.
declare module 'cassandra-driver/lib/tokenizer' {
  export class Murmur3Tokenizer {
    hash(key: Buffer): unknown;
  }
}
