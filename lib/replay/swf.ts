/**
 * Standard Workload Format (SWF 2.2) of the Parallel Workloads Archive: header lines start
 * with ';' ("; Key: value"), every other line is one job of 18 whitespace-separated fields,
 * -1 where unknown. Gzipped files (.gz) are read with node:zlib.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface SwfJob {
  /** Field 1. */
  readonly number: number;
  /** Field 2: seconds from the log's start. */
  readonly submit: number;
  /** Field 3: the wait the machine's own scheduler gave it (s), -1 unknown. */
  readonly wait: number;
  /** Field 4: run time (s), -1 unknown. */
  readonly runTime: number;
  /** Field 5: allocated processors. */
  readonly procs: number;
  /** Field 7: used memory, KB per processor. */
  readonly usedMemKb: number;
  /** Field 8: requested processors. */
  readonly reqProcs: number;
  /** Field 9: requested time (the user's estimate, s). */
  readonly reqTime: number;
  /** Field 10: requested memory, KB per processor. */
  readonly reqMemKb: number;
  /** Field 11: 1 completed, 0 failed, 5 cancelled. */
  readonly status: number;
  readonly user: number;
  readonly group: number;
  readonly queue: number;
  readonly partition: number;
}

export interface SwfLog {
  /** Header keys as written ("MaxProcs", "Acknowledge" ...); repeated keys keep their first value. */
  readonly header: Readonly<Record<string, string>>;
  readonly jobs: readonly SwfJob[];
  readonly maxProcs?: number;
  readonly maxNodes?: number;
}

export class SwfFormatError extends Error {
  constructor(where: string, reason: string) {
    super(`${where}: ${reason}`);
    this.name = 'SwfFormatError';
  }
}

export function readSwf(file: string): SwfLog {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return parseSwf(text, file);
}

export function parseSwf(text: string, name = 'SWF'): SwfLog {
  const header: Record<string, string> = {};
  const jobs: SwfJob[] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith(';')) {
      const m = /^;\s*([A-Za-z][\w ]*?):\s*(.*)$/.exec(t);
      if (m && !(m[1] in header)) header[m[1]] = m[2].trim();
      continue;
    }
    const f = t.split(/\s+/).map(Number);
    if (f.length < 18 || f.some((x) => !Number.isFinite(x))) {
      throw new SwfFormatError(`${name} line ${lineNo}`, `a job line has 18 numeric fields, this one has ${f.length}${f.some((x) => !Number.isFinite(x)) ? ' with a non-number' : ''}`);
    }
    jobs.push({
      number: f[0], submit: f[1], wait: f[2], runTime: f[3], procs: f[4], usedMemKb: f[6], reqProcs: f[7],
      reqTime: f[8], reqMemKb: f[9], status: f[10], user: f[11], group: f[12], queue: f[14], partition: f[15],
    });
  }
  const num = (k: string): number | undefined => {
    const v = Number(header[k]);
    return header[k] !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
  };
  return { header, jobs, maxProcs: num('MaxProcs'), maxNodes: num('MaxNodes') };
}
