/** Usage (GET /usage?from=&to=&by=): what each tenant, user or service used over a period, as sreport answers it. */
import { NotAvailable } from '../api';
import { Chart, chartBox } from '../charts';
import { fill, h, num, table } from '../dom';
import type { Ctx, Page } from '../page';

const BY = ['tenant', 'user', 'service'] as const;
type Row = Record<string, unknown>;

const day = (d: Date) => d.toISOString().slice(0, 10);
/** The row's group: `key`, or the field named like the grouping. */
const keyOf = (r: Row, by: string) => String(r.key ?? r[by] ?? r.id ?? '');

export function usagePage(ctx: Ctx): Page {
  const p = ctx.params;
  const now = new Date();
  const from = p.get('from') ?? day(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)));
  const to = p.get('to') ?? day(now);
  const by = BY.find((b) => b === p.get('by')) ?? 'tenant';
  const go = (form: HTMLFormElement) => {
    const f = new FormData(form);
    ctx.go(`#/usage?${new URLSearchParams({ from: String(f.get('from')), to: String(f.get('to')), by: String(f.get('by')) })}`);
  };
  const body = h('div', {});
  const chart = chartBox(240);
  const el = h('section', {}, h('h1', {}, 'Usage'),
    h('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); go(e.target as HTMLFormElement); } },
      h('label', {}, 'from ', h('input', { type: 'date', name: 'from', value: from })),
      h('label', {}, 'to ', h('input', { type: 'date', name: 'to', value: to })),
      h('label', {}, 'by ', h('select', { name: 'by' }, BY.map((b) => h('option', { value: b, selected: b === by }, b)))),
      h('button', { type: 'submit' }, 'Show')),
    body, chart.box);
  let bars: Chart<'bar', number[], string> | undefined;

  return {
    title: 'Usage',
    el,
    async refresh() {
      let rows: Row[];
      try {
        const got = await ctx.api.get<{ rows?: Row[]; usage?: Row[] } | Row[]>(`usage?${new URLSearchParams({ from, to, by })}`);
        rows = Array.isArray(got) ? got : got.rows ?? got.usage ?? [];
      } catch (err) {
        if (!(err instanceof NotAvailable)) throw err;
        fill(body, h('p', { class: 'empty not-available' }, 'Usage accounting is not available on this server.'));
        chart.box.hidden = true;
        return;
      }
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'key' && k !== by);
      // Outcomes read as "COMPLETED 1, CANCELLED 3", not as JSON.
      const cell = (v: unknown) => (typeof v === 'number' ? num(v)
        : typeof v === 'object' && v !== null ? Object.entries(v).map(([k, n]) => `${k} ${typeof n === 'number' ? num(n) : String(n)}`).join(', ')
          : String(v ?? ''));
      fill(body, rows.length === 0 ? h('p', { class: 'empty' }, `No usage from ${from} to ${to}.`)
        : table([by, ...columns], rows.map((r) => [keyOf(r, by), ...columns.map((c) => cell(r[c]))]), { class: 'usage' }));
      const labels = rows.map((r) => keyOf(r, by));
      const hours = rows.map((r) => (typeof r.vcpuSeconds === 'number' ? r.vcpuSeconds / 3600 : 0));
      if (!bars) {
        bars = new Chart(chart.canvas, {
          type: 'bar',
          data: { labels, datasets: [{ label: 'vCPU-hours', data: hours, backgroundColor: '#1c7ed6' }] },
          options: { maintainAspectRatio: false, scales: { y: { min: 0 } } },
        });
      } else {
        bars.data.labels = labels;
        bars.data.datasets[0]!.data = hours;
        bars.update('none');
      }
    },
    dispose() { bars?.destroy(); },
  };
}
