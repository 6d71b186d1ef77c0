/** A submit form built from GET /services: each service's defaults and limits fill the fields. */
import { JOB_CLASSES, type Job } from '../../domain/job';
import { ApiError } from '../api';
import { fill, h } from '../dom';
import type { Ctx, Page } from '../page';

interface ServiceInfo {
  readonly id: string; readonly description?: string; readonly image?: string;
  readonly defaultVcpu: number; readonly maxVcpu?: number; readonly defaultMemory: number; readonly maxMemory?: number;
  readonly defaultLifetime?: number; readonly maxLifetime?: number; readonly defaultClass?: string; readonly preemptMode?: string;
  readonly requirements?: string;
}

export function submitPage(ctx: Ctx): Page {
  const form = h('form', { class: 'submit' });
  const message = h('p', { class: 'error', role: 'alert' });
  const el = h('section', {}, h('h1', {}, 'Submit a job'), form, message);
  let services: ServiceInfo[] = [];
  let loaded = false;

  const field = (label: string, input: HTMLElement, hint = '') => h('label', {}, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
  const inputs = {
    service: h('select', { name: 'service', required: true }),
    class: h('select', { name: 'class' }, JOB_CLASSES.map((c) => h('option', { value: c }, c))),
    vcpu: h('input', { name: 'vcpu', type: 'number', min: 1, required: true }),
    memory: h('input', { name: 'memory', type: 'number', min: 1, required: true }),
    args: h('textarea', { name: 'args', rows: 3, placeholder: 'one argument per line' }),
    lifetime: h('input', { name: 'lifetime', type: 'number', min: 1, placeholder: 'service default' }),
    priority: h('input', { name: 'priority', type: 'number', value: 0 }),
    requirements: h('input', { name: 'requirements', placeholder: 'e.g. CLUSTER = "default"' }),
  };
  const about = h('p', { class: 'note' });
  const hints = { vcpu: h('small', {}), memory: h('small', {}), lifetime: h('small', {}) };

  function choose(id: string) {
    const s = services.find((x) => x.id === id);
    if (!s) return;
    fill(about, s.description ?? '', s.image ? ` (image ${s.image}, preempted by ${s.preemptMode ?? 'stop'})` : '');
    inputs.vcpu.value = String(s.defaultVcpu);
    inputs.vcpu.max = s.maxVcpu === undefined ? '' : String(s.maxVcpu);
    fill(hints.vcpu, s.maxVcpu === undefined ? '' : `at most ${s.maxVcpu}`);
    inputs.memory.value = String(s.defaultMemory);
    inputs.memory.max = s.maxMemory === undefined ? '' : String(s.maxMemory);
    fill(hints.memory, `MB${s.maxMemory === undefined ? '' : `, at most ${s.maxMemory}`}`);
    inputs.lifetime.placeholder = s.defaultLifetime === undefined ? 'none' : `${s.defaultLifetime} (the service's)`;
    inputs.lifetime.max = s.maxLifetime === undefined ? '' : String(s.maxLifetime);
    fill(hints.lifetime, `seconds${s.maxLifetime === undefined ? '' : `, at most ${s.maxLifetime}`}`);
    inputs.class.value = s.defaultClass ?? 'prod';
  }

  async function submit(e: Event) {
    e.preventDefault();
    fill(message);
    const n = (input: HTMLInputElement) => (input.value.trim() === '' ? undefined : Number(input.value));
    const args = inputs.args.value.split('\n').map((a) => a.trim()).filter((a) => a !== '');
    const body = {
      service: inputs.service.value, class: inputs.class.value, vcpu: n(inputs.vcpu), memory: n(inputs.memory),
      ...(args.length ? { args } : {}), lifetime: n(inputs.lifetime), priority: n(inputs.priority) || undefined,
      requirements: inputs.requirements.value.trim() || undefined,
    };
    try {
      const job = await ctx.api.call<Job>('POST', 'jobs', body);
      ctx.go(`#/job/${encodeURIComponent(job.id)}`);
    } catch (err) {
      fill(message, err instanceof ApiError && err.field ? `${err.field}: ${err.message}` : (err as Error).message);
    }
  }

  fill(form,
    field('service', inputs.service), about,
    field('class', inputs.class, 'prod may preempt beff; beff runs on what is left'),
    h('div', { class: 'row' }, field('vCPU', inputs.vcpu), hints.vcpu, field('memory', inputs.memory), hints.memory),
    field('arguments', inputs.args),
    h('div', { class: 'row' }, field('lifetime', inputs.lifetime), hints.lifetime, field('priority', inputs.priority)),
    field('requirements', inputs.requirements, 'ANDed with the service\'s'),
    h('button', { type: 'submit', class: 'primary' }, 'Submit'));
  form.addEventListener('submit', (e) => void submit(e));
  inputs.service.addEventListener('change', () => choose(inputs.service.value));

  return {
    title: 'Submit',
    el,
    async refresh() {
      // The services change only with the configuration: read once.
      if (loaded) return;
      services = (await ctx.api.get<{ services: ServiceInfo[] }>('services')).services;
      loaded = true;
      fill(inputs.service, services.map((s) => h('option', { value: s.id }, s.id)));
      const wanted = ctx.params.get('service');
      if (wanted && services.some((s) => s.id === wanted)) inputs.service.value = wanted;
      choose(inputs.service.value);
    },
  };
}
