'use strict';
// Loads the compiled addon. Never throws: a missing or broken build is reported through
// `error`, and @charybdis/core decides what to do (it falls back to pure TypeScript).
const path = require('node:path');
const fs = require('node:fs');

const addonPath = path.join(__dirname, 'build', 'Release', 'charybdis_native.node');

function loadNative() {
  try {
    return { binding: require(addonPath), path: addonPath, error: null };
  } catch (err) {
    const marker = path.join(__dirname, 'build', 'BUILD_FAILED.txt');
    let reason = err && err.message ? err.message : String(err);
    if (fs.existsSync(marker)) reason = fs.readFileSync(marker, 'utf8').split('\n')[0];
    return { binding: null, path: addonPath, error: reason };
  }
}

module.exports = { loadNative, addonPath };
