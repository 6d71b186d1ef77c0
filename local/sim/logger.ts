/** Where the simulator's parts report what they do (the server's log, or nothing in tests). */
export interface Logger {
  info(msg: string): void;
  error(msg: string): void;
}
