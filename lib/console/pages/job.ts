/**
 * One job: its resources and host, why it waits, a timeline of its history (preemptions and
 * resumes marked), its output once it has one, and cancel.
 */
import { isFinal, JOB_STATES, type Job } from '../../domain/job';
import { ApiError, NotAvailable } from '../api';
import { Chart, chartBox, STATE_COLOURS } from '../charts';
import { fill, h, stateBadge, table, time } from '../dom';
import type { Ctx, Page } from '../page';
import { isPreemption, isResume, segments } from '../timeline';

type ShownJob = Job & { tenant?: string };

const WAITING = new Set(['QUEUED', 'PREEMPTED']);

/** The output endpoint's answer: text, or an object holding it (GET /jobs/{id}/output). */
function outputText(body: unknown): { text: string; truncated: boolean } | undefined {
  if (typeof body === 'string') return { text: body, truncated: false };
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const text = typeof b.output === 'string' ? b.output : typeof b.tail === 'string' ? b.tail
      : [b.stdout, b.stderr].filter((s) => typeof s === 'string').join('\n') || undefined;
    if (text !== undefined) return { text, truncated: b.truncated === true };
  }
  return undefined;
}

export function jobPage(ctx: Ctx): Page {
  const id = ctx.arg ?? '';
  const head = h('div', { class: 'job-head' });
  const facts = h('div', { class: 'facts' });
  const waits = h('div', { class: 'waits' });
  const { box, canvas } = chartBox(180);
  const events = h('div', { class: 'events' });
  const output = h('div', { class: 'output' }, h('p', { class: 'empty' }, 'No output yet: it comes with the job\'s end.'));
  const el = h('section', {}, head, facts, waits, h('h2', {}, 'Timeline'), box, events, h('h2', {}, 'Output'), output);
  let chart: Chart<'bar', { x: [number, number]; y: string }[]> | undefined;
  let drawn = '';
  let outputFor = '';

  async function cancel(job: ShownJob) {
    if (!confirm(`Cancel job ${job.id}?`)) return;
    try {
      await ctx.api.call('DELETE', `jobs/${encodeURIComponent(job.id)}`);
    } catch (err) {
      alert((err as Error).message);
    }
    await page.refresh();
  }

  function drawTimeline(job: ShownJob) {
    const segs = segments(job.history, Date.now());
    const rows = JOB_STATES.filter((s) => segs.some((x) => x.state === s));
    const data = segs.map((s) => ({ x: [s.start, Math.max(s.end, s.start + 0.05)] as [number, number], y: s.state }));
    const key = `${job.history.length}:${job.state}`;
    if (chart && drawn === key) {
      chart.data.datasets[0]!.data = data;
      chart.update('none');
      return;
    }
    drawn = key;
    chart?.destroy();
    chart = new Chart(canvas, {
      type: 'bar',
      data: { labels: rows, datasets: [{ label: 'state', data, backgroundColor: segs.map((s) => STATE_COLOURS[s.state] ?? '#888'), borderSkipped: false, barPercentage: 0.8, categoryPercentage: 1 }] },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        scales: { x: { type: 'linear', min: 0, title: { display: true, text: 'seconds since submitted' } }, y: { type: 'category' } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (c) => { const s = segs[c.dataIndex]!; return `${s.state} ${s.start.toFixed(1)}–${s.end.toFixed(1)} s: ${s.event.reason}`; } } },
        },
      },
    });
    fill(events, table(['when', 'from', 'to', 'host', 'why', 'for'], job.history.map((e) => [
      time(e.at), e.from ?? '', stateBadge(e.to), e.hostName ?? (e.hostId === undefined ? '' : `#${e.hostId}`), e.reason,
      e.by ? h('a', { href: `#/job/${encodeURIComponent(e.by)}` }, e.by) : '',
    ]), { class: 'history' }));
    const rowsEl = events.querySelectorAll('tbody tr');
    job.history.forEach((e, i) => {
      if (isPreemption(e)) rowsEl[i]?.classList.add('preemption');
      if (isResume(e)) rowsEl[i]?.classList.add('resume');
    });
  }

  async function showOutput(job: ShownJob) {
    // Asked once per state: the tail arrives with the completion callback.
    if (!isFinal(job.state) || outputFor === job.state) return;
    outputFor = job.state;
    try {
      const got = outputText(await ctx.api.get<unknown>(`jobs/${encodeURIComponent(job.id)}/output`));
      fill(output, got === undefined || got.text === '' ? h('p', { class: 'empty' }, 'The job left no output.')
        : [got.truncated ? h('p', { class: 'note' }, 'The last part of its output:') : null, h('pre', { class: 'tail' }, got.text)]);
    } catch (err) {
      fill(output, h('p', { class: 'empty' }, err instanceof NotAvailable ? 'Job output is not available on this server.' : (err as Error).message));
    }
  }

  const page: Page = {
    title: `Job ${id}`,
    el,
    async refresh() {
      let job: ShownJob;
      try {
        job = await ctx.api.get<ShownJob>(`jobs/${encodeURIComponent(id)}`);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) { fill(head, h('h1', {}, `Job ${id}`), h('p', { class: 'error' }, err.message)); return; }
        throw err;
      }
      fill(head, h('h1', {}, `Job ${job.id} `, stateBadge(job.state)),
        isFinal(job.state) ? null : h('button', { class: 'danger', id: 'cancel', onclick: () => void cancel(job) }, 'Cancel job'));
      const fact = (k: string, v: unknown) => (v === undefined || v === '' ? null : h('div', {}, h('dt', {}, k), h('dd', {}, String(v))));
      fill(facts, h('dl', {},
        fact('service', job.service), fact('class', job.class), fact('priority', job.priority), fact('user', job.owner), fact('tenant', job.tenant),
        fact('vCPU', job.vcpu), fact('memory', `${job.memory} MB`), fact('host', job.hostName ?? (job.hostId === undefined ? undefined : `#${job.hostId}`)),
        fact('VM', job.vmId), fact('addresses', job.addresses?.join(', ')), fact('arguments', job.args.join(' ')),
        fact('preempt mode', job.preemptMode), fact('preemptions', job.preemptions), fact('deploy attempts', job.attempts),
        fact('lifetime', job.lifetime === undefined ? undefined : `${job.lifetime} s`), fact('exit code', job.exitCode),
        fact('submitted', time(job.createdAt)), fact('updated', time(job.updatedAt))));
      fill(waits, job.reason ? h('p', { class: WAITING.has(job.state) ? 'why-waits' : 'why' }, WAITING.has(job.state) ? 'Why it waits: ' : 'Reason: ', job.reason) : null);
      drawTimeline(job);
      await showOutput(job);
    },
    dispose() { chart?.destroy(); },
  };
  return page;
}
