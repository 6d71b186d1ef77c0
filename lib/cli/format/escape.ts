/**
 * Text from the server (a job's arguments, reasons, host and service names, error messages) is
 * someone else's: printed raw, an escape sequence in it could clear the screen, move the cursor
 * or paint a fake "COMPLETED" (kubectl's CVE-2021-25743). Every control character (C0, DEL, C1)
 * and the bidirectional overrides that reorder what is shown become a visible escape, as
 * kubectl's printers do; everything else, non-ASCII letters included, is shown as it is.
 * Newlines too: a field is one line of a table or a `Key: value` list, and a newline in it
 * could forge the next line.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\x1b' };

const visible = (c: string): string => {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
};

export const escapeTerminal = (text: string): string => text.replace(UNSAFE, visible);

/** The same data with every string in it escaped: what the human formats print from. */
export function escapeTerminalDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeTerminal(value) as T;
  if (Array.isArray(value)) return value.map(escapeTerminalDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTerminalDeep(v)])) as T;
  }
  return value;
}

/**
 * JSON.stringify escapes C0 controls but writes C1 controls, DEL and the bidirectional
 * overrides as they are; `\uXXXX` for them keeps the document the same data and the terminal
 * that shows it safe.
 */
export const escapeJsonForTerminal = (json: string): string =>
  json.replace(/[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
