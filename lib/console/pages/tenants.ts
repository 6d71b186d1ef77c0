/**
 * Tenants (GET /tenants): each one's share, guarantee, use, borrowing and limits, a chart of
 * share against use, and use over the time this page has been open.
 */
import { NotAvailable } from '../api';
import { Chart, chartBox, PALETTE } from '../charts';
import { fill, h, num, table } from '../dom';
import type { Ctx, Page } from '../page';

/** An entry has at least id and share; the other figures are numbers or { vcpu, memoryMb }. */
type Tenant = { readonly id: string; readonly share: number } & Record<string, unknown>;

/** A figure as vCPU, whether given as a number or as { vcpu, memoryMb }. */
export function vcpuOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && typeof (v as { vcpu?: unknown }).vcpu === 'number') return (v as { vcpu: number }).vcpu;
  return undefined;
}

function shown(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return num(v, 3);
  if (Array.isArray(v)) return v.map(shown).join(', ');
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${shown(x)} ${k === 'memoryMb' ? 'MB' : k}`).join(', ');
  return String(v);
}

const MAX_SAMPLES = 360;
/** Use over time, kept for the tab while it is open (the page may be left and come back to). */
const samples: { at: number; used: Record<string, number> }[] = [];

export function tenantsPage(ctx: Ctx): Page {
  const body = h('div', {});
  const shares = chartBox(220);
  const overTime = chartBox(220);
  const charts = h('div', { class: 'pair' }, h('div', {}, h('h2', {}, 'Share and use'), shares.box), h('div', {}, h('h2', {}, 'vCPU used over time'), overTime.box));
  const el = h('section', {}, h('h1', {}, 'Tenants'), body, charts);
  let shareChart: Chart<'bar', number[], string> | undefined;
  let timeChart: Chart<'line', { x: number; y: number }[], number> | undefined;

  return {
    title: 'Tenants',
    el,
    async refresh() {
      let tenants: Tenant[];
      try {
        const got = await ctx.api.get<{ tenants: Tenant[] } | Tenant[]>('tenants');
        tenants = Array.isArray(got) ? got : got.tenants;
      } catch (err) {
        if (!(err instanceof NotAvailable)) throw err;
        fill(body, h('p', { class: 'empty not-available' }, 'Tenants are not available on this server.'));
        charts.hidden = true;
        return;
      }
      const extra = [...new Set(tenants.flatMap((t) => Object.keys(t)))].filter((k) => k !== 'id' && k !== 'share' && k !== 'description' && k !== 'services' && k !== 'users');
      fill(body, table(['tenant', 'share', ...extra], tenants.map((t) => [h('span', { title: String(t.description ?? '') }, t.id), `${num(t.share)}`, ...extra.map((k) => shown(t[k]))]), { class: 'tenants' }));
      const total = tenants.reduce((s, t) => s + t.share, 0);
      const used = Object.fromEntries(tenants.map((t) => [t.id, vcpuOf(t.used) ?? 0]));
      const usedTotal = Object.values(used).reduce((s, x) => s + x, 0);
      samples.push({ at: Date.now(), used });
      if (samples.length > MAX_SAMPLES) samples.shift();

      const labels = tenants.map((t) => t.id);
      const shareData = tenants.map((t) => (total > 0 ? (100 * t.share) / total : 0));
      const useData = tenants.map((t) => (usedTotal > 0 ? (100 * used[t.id]!) / usedTotal : 0));
      if (!shareChart) {
        shareChart = new Chart(shares.canvas, {
          type: 'bar',
          data: { labels, datasets: [{ label: 'share %', data: shareData, backgroundColor: '#a5d8ff' }, { label: 'use % (vCPU)', data: useData, backgroundColor: '#1c7ed6' }] },
          options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } } },
        });
      } else {
        shareChart.data.labels = labels;
        shareChart.data.datasets[0]!.data = shareData;
        shareChart.data.datasets[1]!.data = useData;
        shareChart.update('none');
      }
      const t0 = samples[0]!.at;
      const lines = labels.map((id, i) => ({ label: id, data: samples.map((s) => ({ x: (s.at - t0) / 1000, y: s.used[id] ?? 0 })), borderColor: PALETTE[i % PALETTE.length], pointRadius: 0 }));
      if (!timeChart) {
        timeChart = new Chart(overTime.canvas, {
          type: 'line',
          data: { datasets: lines },
          options: { maintainAspectRatio: false, scales: { x: { type: 'linear', title: { display: true, text: 'seconds since this page opened' } }, y: { min: 0, title: { display: true, text: 'vCPU' } } } },
        });
      } else {
        timeChart.data.datasets = lines;
        timeChart.update('none');
      }
    },
    dispose() { shareChart?.destroy(); timeChart?.destroy(); },
  };
}
