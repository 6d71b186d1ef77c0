import Table from 'cli-table3';

/** A borderless, left-aligned table in the manner of `ps` or `onevm list`. */
export function renderTable(head: string[], rows: (string | number)[][], bold: (s: string) => string = (s) => s): string {
  const table = new Table({
    head: head.map(bold),
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
      'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows.map((row) => row.map(String)));
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}
