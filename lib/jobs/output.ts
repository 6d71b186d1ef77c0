/**
 * The tail of a job's output, as its VM's completion callback sends it: base64 of the last bytes
 * the service wrote to stdout and stderr (lib/lifecycle/startScript.ts). Whatever arrives is cut
 * to the last OUTPUT_TAIL_BYTES and read as UTF-8, never refused: the exit code beside it must
 * count whatever the tail looks like.
 */

/** The most of a job's output svmsched keeps: the last 64 KB. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

export interface OutputTail {
  readonly output: string;
  readonly truncated: boolean;
}

/** UTF-8 continuation bytes (10xxxxxx) at the start of a cut: the rest of a character cut in two. */
function skipContinuation(bytes: Buffer): Buffer {
  let i = 0;
  while (i < 3 && i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  return bytes.subarray(i);
}

/**
 * The tail to keep from what a callback sent: undefined when it sent none. A value that is not
 * a string keeps nothing (truncated: the output was lost); a string is decoded as base64 the
 * lenient way (characters outside the alphabet are skipped), cut to the last OUTPUT_TAIL_BYTES,
 * and read as UTF-8 with invalid sequences replaced.
 */
export function outputTail(sent: unknown): OutputTail | undefined {
  if (sent === undefined || sent === null) return undefined;
  if (typeof sent !== 'string') return { output: '', truncated: true };
  const bytes = Buffer.from(sent, 'base64');
  const truncated = bytes.length > OUTPUT_TAIL_BYTES;
  const kept = truncated ? skipContinuation(bytes.subarray(bytes.length - OUTPUT_TAIL_BYTES)) : bytes;
  return { output: new TextDecoder('utf-8').decode(kept), truncated };
}
