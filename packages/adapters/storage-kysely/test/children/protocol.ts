import { createInterface } from 'node:readline';
import type { StorageConfig } from '../../src/index.js';

/** One JSON message per stdout line. */
export function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/** Resolves when the parent writes `line` to stdin (a barrier so that children start together). */
export function waitForLine(line: string): Promise<void> {
  const rl = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    rl.on('line', (text) => {
      if (text.trim() === line) {
        rl.close();
        process.stdin.destroy(); // an open stdin would keep this process alive
        resolve();
      }
    });
  });
}

/** `pglite <dir>` or `postgres <url> <schema>` → a factory config. */
export function configFrom(args: readonly string[]): StorageConfig {
  const [kind, a, b] = args;
  if (kind === 'pglite' && a) return { kind: 'pglite', dataDir: a };
  if (kind === 'postgres' && a && b) return { kind: 'postgres', connectionString: a, schema: b };
  throw new Error(`usage: pglite <dir> | postgres <url> <schema>; got ${args.join(' ')}`);
}

export function fail(message: string): never {
  say('error', { message });
  process.exit(1);
}
