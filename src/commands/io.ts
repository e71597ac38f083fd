/** Where a command reads and writes: injected, so tests drive commands in-process. */
export interface Io {
  cwd: string;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const;
