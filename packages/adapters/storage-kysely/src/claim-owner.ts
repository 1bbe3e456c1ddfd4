import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** This process, as it signs the iteration numbers it claims: `host/pid/token` (the token tells a reused pid apart). */
export const THIS_PROCESS = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;

/**
 * Whether the process that signed a claim still runs: on this machine its pid is asked (signal 0); on another
 * machine it cannot be told (null).
 */
export function ownerAlive(owner: string): boolean | null {
  if (owner === THIS_PROCESS) return true;
  const [host, pidText] = owner.split('/');
  if (host !== hostname()) return null;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (pid === process.pid) return false; // our pid, another token: an earlier process that had this pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
