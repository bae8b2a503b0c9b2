#!/usr/bin/env node
/** The `charybdis` node process (see packages/server/README.md). */
import { main } from '../node/main';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`charybdis: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  },
);
