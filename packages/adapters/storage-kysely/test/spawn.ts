import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export type Message = { readonly event: string } & Record<string, unknown>;

/** A child node process running one of `test/children/*.ts` through tsx, speaking JSON lines on stdout. */
export interface Child {
  readonly pid: number;
  readonly messages: Message[];
  /** Resolves with the first message (already received or future) that matches. */
  waitFor(event: string, timeoutMs?: number): Promise<Message>;
  send(line: string): void;
  kill(signal: NodeJS.Signals): void;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Spawns `node --conditions=@alphaloop/source --import tsx test/children/<script>` with the package as
 * cwd (tsx reads tsconfig.json from the cwd). `prefix` runs it under another command (e.g. `unshare`).
 */
export function spawnChild(script: string, args: readonly string[], prefix: readonly string[] = []): Child {
  const nodeArgs = ['--conditions=@alphaloop/source', '--import', 'tsx', `test/children/${script}`, ...args];
  const [command, ...rest] = prefix.length > 0 ? [...prefix, process.execPath, ...nodeArgs] : [process.execPath, ...nodeArgs];
  const child = spawn(command as string, rest, { cwd: PACKAGE_DIR, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } });
  const messages: Message[] = [];
  const waiters: { event: string; resolve: (m: Message) => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      const message = JSON.parse(line) as Message;
      messages.push(message);
      for (const w of waiters.filter((x) => x.event === message.event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    pid: child.pid ?? -1,
    messages,
    waitFor(event, timeoutMs = 60_000) {
      const seen = messages.find((m) => m.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise<Message>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${event}" from ${script} within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
        const done = (m: Message) => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.push({ event, resolve: done });
        void exit.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (code ${code}, signal ${signal}) before "${event}"; stderr:\n${stderr}`));
        });
      });
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    kill(signal) {
      child.kill(signal);
    },
    exit,
  };
}
