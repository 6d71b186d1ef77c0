/** The hosts (GET /cluster): used and free CPU and memory as bars, each host's state and jobs. */
import { Chart, chartBox } from '../charts';
import { fill, h, meter, num, stateBadge } from '../dom';
import type { Ctx, Page } from '../page';

interface Amount { readonly total: number; readonly used: number; readonly free: number }
interface HostJob { readonly jobId?: string; readonly vmId: number; readonly service?: string; readonly class?: string; readonly state?: string; readonly owner?: string }
interface Host { readonly id: number; readonly name: string; readonly cluster: string; readonly state: string; readonly cpu: Amount; readonly memory: Amount; readonly runningVms: number; readonly jobs: readonly HostJob[] }
interface Cluster { readonly hosts: readonly Host[]; readonly summary: { hosts: number; cpu: Amount; memory: Amount; queued: number; running: number; preempted: number }; readonly observedAt: string; readonly ageSeconds: number }

type UsedFree = Chart<'bar', number[], string>;

function usedFreeChart(canvas: HTMLCanvasElement, unit: string): UsedFree {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [{ label: `used ${unit}`, data: [], backgroundColor: '#1c7ed6' }, { label: `free ${unit}`, data: [], backgroundColor: '#d0ebff' }] },
    options: { indexAxis: 'y', maintainAspectRatio: false, scales: { x: { stacked: true, min: 0 }, y: { stacked: true } } },
  });
}

export function hostsPage(ctx: Ctx): Page {
  const summary = h('p', { class: 'note' });
  const cpu = chartBox(120);
  const mem = chartBox(120);
  const cards = h('div', { class: 'hosts' });
  const el = h('section', {}, h('h1', {}, 'Hosts'), summary,
    h('div', { class: 'pair' }, h('div', {}, h('h2', {}, 'CPU'), cpu.box), h('div', {}, h('h2', {}, 'Memory (MB)'), mem.box)), cards);
  const cpuChart = usedFreeChart(cpu.canvas, 'CPU');
  const memChart = usedFreeChart(mem.canvas, 'MB');
  const set = (chart: UsedFree, hosts: readonly Host[], of: (x: Host) => Amount) => {
    chart.data.labels = hosts.map((x) => x.name);
    chart.data.datasets[0]!.data = hosts.map((x) => of(x).used);
    chart.data.datasets[1]!.data = hosts.map((x) => of(x).free);
    chart.update('none');
  };

  return {
    title: 'Hosts',
    el,
    async refresh() {
      const c = await ctx.api.get<Cluster>('cluster');
      const s = c.summary;
      fill(summary, `${s.hosts} hosts · CPU ${num(s.cpu.used)} of ${num(s.cpu.total)} used · memory ${num(s.memory.used, 0)} of ${num(s.memory.total, 0)} MB used · `
        + `${s.running} running, ${s.queued} queued, ${s.preempted} preempted · seen ${Math.round(c.ageSeconds)} s ago`);
      const height = `${Math.max(120, 36 * c.hosts.length + 60)}px`;
      cpu.box.style.height = height;
      mem.box.style.height = height;
      set(cpuChart, c.hosts, (x) => x.cpu);
      set(memChart, c.hosts, (x) => x.memory);
      fill(cards, c.hosts.map((x) => h('article', { class: 'host' },
        h('h3', {}, x.name, ' ', h('span', { class: `host-state host-${x.state.toLowerCase()}` }, x.state), h('small', {}, ` #${x.id} · ${x.cluster}`)),
        h('div', { class: 'meters' },
          meter(x.cpu.used, x.cpu.total, `CPU ${num(x.cpu.used)} / ${num(x.cpu.total)} (${num(x.cpu.free)} free)`),
          meter(x.memory.used, x.memory.total, `memory ${num(x.memory.used, 0)} / ${num(x.memory.total, 0)} MB (${num(x.memory.free, 0)} free)`)),
        x.jobs.length === 0 ? h('p', { class: 'empty' }, `no svmsched job (${x.runningVms} VM${x.runningVms === 1 ? '' : 's'})`)
          : h('ul', { class: 'host-jobs' }, x.jobs.map((j) => h('li', {},
            j.jobId ? h('a', { href: `#/job/${encodeURIComponent(j.jobId)}` }, j.jobId) : `VM ${j.vmId}`,
            ' ', j.state ? stateBadge(j.state) : null, ` ${j.service ?? ''} ${j.class ?? ''} ${j.owner ? `· ${j.owner}` : ''}`))))));
    },
    dispose() { cpuChart.destroy(); memChart.destroy(); },
  };
}
