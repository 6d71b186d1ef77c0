import type { TokenInfo } from '../store';
import { escapeTerminal } from '../cli/format/escape';

/** `token list` as aligned columns; the description last, as it may hold blanks. */
export function formatTokenTable(tokens: readonly TokenInfo[]): string {
  if (tokens.length === 0) return 'no tokens\n';
  const header = ['ID', 'USER', 'ROLE', 'TENANT', 'CREATED', 'DESCRIPTION'];
  // Every cell is read back from the table: none may break the table or act on the terminal.
  const rows = tokens.map((t) => [t.id, t.user, t.role, t.tenant ?? '-', t.createdAt, t.description ?? ''].map((cell) => escapeTerminal(String(cell))));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `${l}\n`).join('');
}

