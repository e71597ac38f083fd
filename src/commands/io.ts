/** Where a command reads and writes: injected, so tests drive commands in-process. */
export interface Io {
  cwd: string;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
  /** For prompts (a secret for `keys`, device-code sign-in); absent or not a TTY: never prompt. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Waits between retries of network requests; tests inject one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
}

export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const;
