import type { StorageError } from '@alphaloop/ports';

/** Where the database lives, for messages that name the cause and the setting to change. */
export type StorageLocation =
  | { readonly backend: 'pglite'; readonly dataDir: string | null }
  | { readonly backend: 'postgres'; readonly host: string; readonly port: string; readonly user: string; readonly database: string };

/** The user-facing settings our messages point at (the app maps them to the factory's config). */
export const SETTINGS = { postgres: 'DATABASE_URL', dataDir: '--db' } as const;

interface ErrorFacts {
  readonly code: string | null;
  readonly message: string;
}

function factsOf(cause: unknown): ErrorFacts {
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    const inner = factsOf(cause.errors[0]);
    const code = codeOf(cause) ?? inner.code;
    return { code, message: cause.message || inner.message };
  }
  if (cause instanceof Error) return { code: codeOf(cause), message: cause.message };
  return { code: codeOf(cause), message: String(cause) };
}

function codeOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 ? code : null;
}

const where = (l: Extract<StorageLocation, { backend: 'postgres' }>): string => `${l.host}:${l.port}`;
const dirOf = (l: Extract<StorageLocation, { backend: 'pglite' }>): string => l.dataDir ?? '(in memory)';

const CONNECTION_LOST = /connection terminated|connection timeout|timeout expired|server closed the connection|ECONNRESET|Client has encountered a connection error/i;

/** Codes of a PostgreSQL session that ended under us (terminated backend, server restart, network): worth reconnecting. */
const LOST_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether a pg error means the connection is gone (rather than the statement being wrong): a new one may succeed. */
export function isConnectionLost(cause: unknown): boolean {
  const { code, message } = factsOf(cause);
  return (code !== null && (LOST_CODES.has(code) || code.startsWith('08'))) || CONNECTION_LOST.test(message) || /not queryable|not currently accepting connections/i.test(message);
}

/**
 * Turns any driver exception (pg, PGlite, Node's fs/net) into a `StorageError` whose message names the
 * cause and the setting to change. `operation` says what we were doing ("append iteration 7 of run x").
 */
export function toStorageError(cause: unknown, location: StorageLocation, operation: string): StorageError {
  const { code, message } = factsOf(cause);
  const doing = `${operation}: `;

  if (code === '23505') return { kind: 'storage_duplicate', message: `${doing}${message}` };

  if (location.backend === 'postgres') {
    const at = where(location);
    switch (code) {
      case 'ECONNREFUSED':
        return unavailable(`cannot reach PostgreSQL at ${at} (connection refused) — start it or fix ${SETTINGS.postgres}`);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return unavailable(`cannot reach PostgreSQL: host "${location.host}" does not resolve — fix the host in ${SETTINGS.postgres}`);
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return unavailable(`cannot reach PostgreSQL at ${at} (${code}) — check the network, or fix ${SETTINGS.postgres}`);
      case '28P01':
      case '28000':
        return unavailable(
          `authentication failed for user "${location.user}" at ${at} (${message}) — fix the user/password in ${SETTINGS.postgres}`,
        );
      case '3D000':
        return unavailable(`database "${location.database}" does not exist at ${at} — create it (createdb ${location.database}) or fix ${SETTINGS.postgres}`);
      case '42501':
        return unavailable(`user "${location.user}" lacks a privilege at ${at} (${message}) — grant it, or use another user in ${SETTINGS.postgres}`);
      case '53100':
        return unavailable(`the PostgreSQL server at ${at} is out of disk space (${message}) — free space on the server`);
      case '25006':
        return unavailable(`the PostgreSQL server at ${at} is read-only (${message}) — point ${SETTINGS.postgres} at a writable primary`);
      case '57P01':
      case '57P02':
      case '57P03':
      case '53300':
        return unavailable(`PostgreSQL at ${at} refused or dropped the connection (${message}) — check the server, or fix ${SETTINGS.postgres}`);
      default:
        if (isConnectionLost(cause)) {
          return unavailable(`lost the connection to PostgreSQL at ${at} (${message}) — check the server, or fix ${SETTINGS.postgres}`);
        }
    }
    return { kind: 'storage_failure', message: `${doing}${message}` };
  }

  const dir = dirOf(location);
  if (code === 'ENOSPC' || code === '53100' || /no space left on device/i.test(message)) {
    return unavailable(`disk full: cannot write to the data directory ${dir} (${message}) — free disk space, or pass another directory with ${SETTINGS.dataDir}`);
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || /read-only file system|permission denied/i.test(message)) {
    return unavailable(`the data directory ${dir} is not writable (${code ?? message}) — make it writable, or pass another directory with ${SETTINGS.dataDir}`);
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return unavailable(`the data directory ${dir} cannot be created: part of the path is a file (${message}) — pass another directory with ${SETTINGS.dataDir}`);
  }
  if (/pglite is closed|aborted\(\)|unreachable|RuntimeError/i.test(message) || (cause instanceof Error && cause.name === 'RuntimeError')) {
    return unavailable(`the embedded database at ${dir} stopped (${message}) — restart alphaloop; if it persists, move ${dir} aside or pass another directory with ${SETTINGS.dataDir}`);
  }
  return { kind: 'storage_failure', message: `${doing}${message}` };

  function unavailable(text: string): StorageError {
    return { kind: 'storage_unavailable', message: `${doing}${text}` };
  }
}
