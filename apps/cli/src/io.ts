/** Where a command writes and what environment it reads: the process's, or a test's. */
export interface MainIo {
  readonly stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}
