import { SvmschedApi } from './api';
import { type Connection, resolveConnection } from './config';
import { painter, type Paint } from './format/text';
import type { CliIo } from './io';
import type { CommonOptions } from './options';
import { toJson } from './view';

/** What every command needs, built once per run from the io that bin/ (or a test) provides. */
export interface CommandContext {
  readonly io: CliIo;
  readonly paint: Paint;
  connection(options: CommonOptions): Connection;
  api(options: CommonOptions): SvmschedApi;
  print(text: string): void;
  printJson(value: unknown): void;
}

export function createContext(io: CliIo): CommandContext {
  const colour = Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const connection = (options: CommonOptions): Connection => resolveConnection({
    flags: { server: options.server, token: options.token }, env: io.env, home: io.home, packageRoot: io.packageRoot,
  });
  return {
    io,
    paint: painter(colour),
    connection,
    api: (options) => new SvmschedApi(connection(options), options.timeout !== undefined ? options.timeout * 1000 : undefined),
    print: (text) => void io.stdout.write(text),
    printJson: (value) => void io.stdout.write(toJson(value)),
  };
}
