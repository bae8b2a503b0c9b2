import fs from 'node:fs';
import path from 'node:path';

/** The version of the charybdis server package (packages/server/package.json), e.g. `0.1.0`. */
export function charybdisVersion(): string {
  // Built layout: packages/server/dist/src/node/charybdis-version.js
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
