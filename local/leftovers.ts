/**
 * What a local stack leaves behind when its start process dies without stopping it. Its
 * children end with it by themselves (they watch a pipe from it: local/dynamo.ts,
 * local/exitWithParent.mjs), but the start process itself may live on when only its parent died
 * (`kill -9` of npm leaves node running). So `npm start` records its processes in a run file,
 * and the next start ends those that still run the same command line before it takes the ports.
 * Linux only (/proc); elsewhere nothing is recorded and nothing is ended.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export interface RecordedProcess {
  readonly pid: number;
  /** /proc/PID/cmdline when recorded: a pid reused by another program is never touched. */
  readonly cmdline: string;
}

export function cmdlineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined;
  }
}

/** `pid` and every process below it, parents first. */
export function processTree(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [pid];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    try {
      // The command name, in parentheses, may hold blanks: the fields after it are fixed.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch { /* ended meanwhile */ }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export async function recordProcesses(file: string, pids: readonly number[]): Promise<void> {
  const recorded = pids.flatMap((pid) => {
    const cmdline = cmdlineOf(pid);
    return cmdline === undefined ? [] : [{ pid, cmdline }];
  });
  await writeFile(file, `${JSON.stringify(recorded, null, 2)}\n`);
}

const alive = (p: RecordedProcess): boolean => p.pid !== process.pid && cmdlineOf(p.pid) === p.cmdline;

/**
 * Ends the processes recorded in `file` that still run what they ran: SIGTERM first (a start
 * process then stops its stack cleanly), SIGKILL for those left after `graceMs`. Returns the pids
 * it found running.
 */
export async function endLeftovers(file: string, graceMs = 10_000): Promise<number[]> {
  let recorded: RecordedProcess[];
  try {
    recorded = JSON.parse(await readFile(file, 'utf8')) as RecordedProcess[];
  } catch {
    return [];
  }
  const running = recorded.filter(alive);
  for (const p of running) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (running.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const p of running.filter(alive)) signal(p.pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (running.some(alive) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  return running.map((p) => p.pid);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch { /* ended meanwhile */ }
}
