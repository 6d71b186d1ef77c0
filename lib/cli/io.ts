/**
 * What a command may touch of the outside world, passed in so that tests and bin/ decide:
 * output streams, environment, home folder, the package root (for the local stack's token)
 * and a signal that fires on Ctrl-C.
 */
export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Home folder for ~/.svmsched/config.json (from $HOME when set). */
  readonly home: string;
  /** Folder that contains bin/: the local stack writes its token under .local-data/ there. */
  readonly packageRoot: string;
  /** Aborted on Ctrl-C: a --wait stops following and says so. */
  readonly signal?: AbortSignal;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
