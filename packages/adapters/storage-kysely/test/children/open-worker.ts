// Opens PGlite at the given directory and reports what happened (used under read-only and full mounts).
import { openStorage } from '../../src/index.js';
import { say } from './protocol.js';

const dataDir = process.argv[2] ?? '';
const opened = await openStorage({ kind: 'pglite', dataDir });
if (opened.isErr()) {
  say('result', { ok: false, kind: opened.error.kind, message: opened.error.message });
} else {
  await opened.value.close();
  say('result', { ok: true });
}
