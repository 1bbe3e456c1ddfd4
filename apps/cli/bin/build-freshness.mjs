// Whether the build in `dist/` may be used: it exists and every source it was made from still has the
// modification time that `build.mjs` recorded in `dist/sources.json` (paths relative to the repository root).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} root the repository root
 * @param {string} sourcesFile the `sources.json` written by the build
 * @returns {boolean}
 */
export function buildIsCurrent(root, sourcesFile) {
  let sources;
  try {
    sources = JSON.parse(readFileSync(sourcesFile, 'utf8'));
  } catch {
    return false; // not built, or the record is unreadable: the sources are always right
  }
  if (sources === null || typeof sources !== 'object') return false;
  for (const [file, mtimeMs] of Object.entries(sources)) {
    const stat = statSync(join(root, file), { throwIfNoEntry: false });
    if (stat?.mtimeMs !== mtimeMs) return false;
  }
  return true;
}
