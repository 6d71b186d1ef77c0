import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, send as sendWhole } from './http';
import type { Socket } from 'node:net';
import { isVector, parseTemplate, TemplateSyntaxError, type TemplateAttr } from '../../lib/one/template';
import type { Cloud, SimVm } from './cloud';
import type { Faults } from './faults';
import type { Logger } from './logger';

/**
 * OneGate, OpenNebula's guest-to-cloud HTTP service, as far as a guest of svmsched uses it
 * (src/onegate/onegate-server.rb, src/cloud/common/CloudAuth/OneGateCloudAuth.rb):
 * `GET /vm` shows the VM, `PUT /vm` merges `KEY=VALUE` lines into its USER_TEMPLATE.
 * Every call carries X-ONEGATE-TOKEN and X-ONEGATE-VMID; anything wrong with them is
 * 401 "Not authorized", as OneGate does not say which part was wrong.
 */
export interface OneGateOptions {
  /** 0 (the default) picks a free port; OpenNebula's own default is 5030. */
  readonly port?: number;
  readonly host?: string;
}

export interface OneGate {
  /** ONEGATE_ENDPOINT, as oned.conf would give it. */
  readonly url: string;
  readonly port: number;
  /** Close the listening socket and every connection; listen again after `ms` (an outage of OneGate). */
  refuseConnections(ms: number): void;
  close(): Promise<void>;
}

/** onegate-server.rb RESTRICTED_ATTRS (its default when onegate-server.conf sets none). */
export const RESTRICTED_ATTRS = ['SCHED_REQUIREMENTS', 'SERVICE_ID', 'ROLE_NAME'];
/** build_vm_hash leaves these out of USER_TEMPLATE. */
const USER_TEMPLATE_INVALID_KEYS = new Set(['SCHED_MESSAGE']);
const NIC_VALID_KEYS = new Set(['IP', 'IP6_LINK', 'IP6_SITE', 'IP6_GLOBAL', 'NETWORK', 'MAC', 'NAME', 'PARENT', 'EXTERNAL', 'EXTERNAL_IP']);

/**
 * The token oned writes to the VM's token.txt: an encryption of "VMID:STIME" with the owner's
 * TOKEN_PASSWORD, which OneGate decrypts and compares with the VM. Here an HMAC of the same
 * text under a secret of the simulator: unguessable, bound to one VM and one creation time.
 */
export function oneGateToken(secret: Buffer, vm: Pick<SimVm, 'id' | 'stime'>): string {
  return createHmac('sha256', secret).update(`${vm.id}:${vm.stime}`).digest('base64');
}

/** CONTEXT/TOKEN as oned reads it (VectorAttribute::vector_value(name, bool&): "YES", any case). */
export function wantsToken(context: TemplateAttr | undefined): boolean {
  if (!context || !isVector(context)) return false;
  return (context.vector.find((p) => p.name === 'TOKEN')?.value ?? '').toUpperCase() === 'YES';
}

/**
 * onegate-server.rb escape_attr, character for character: `KEY=value with spaces` becomes
 * `KEY="value with spaces"` so that oned's template parser takes it; quoted values and
 * vectors pass as they are. Its quirks are kept (a value keeps the blanks after "=").
 */
export function escapeAttr(text: string): string {
  const s = [...text];
  let ret = '';
  let escape = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    // Ruby's attr[idx - 1] at index 0 is the last character.
    const prev = s[i === 0 ? s.length - 1 : i - 1];
    const next = s[i + 1];
    if (c === '=' && escape) { ret += c; continue; }
    if (c === '=' && next !== '[' && next !== '"') { ret += '="'; escape = true; }
    else if (c === ',' && prev !== '"') ret += '",';
    else if (c === '[' && prev !== '=' && prev !== '"') ret += '"[';
    else if (c === ']' && prev !== '=' && prev !== '"') { ret += '"]'; escape = false; }
    else if (c === '\\' && prev !== '"') { ret += '"\\'; escape = false; }
    else if (c === '\n' && prev !== '"') { ret += '"\n'; escape = false; }
    else ret += c;
  }
  ret = ret.replaceAll('\\n', '\n');
  if (escape && !ret.endsWith(']') && !ret.endsWith('"')) ret += '"';
  return ret;
}

/** onegate-server.rb check_restricted_attrs: the text before the first "=" of each line, upper-cased (not trimmed). */
function restrictedAttr(escaped: string): string | undefined {
  for (const line of escaped.split('\n')) {
    const name = line.split('=')[0];
    if (name && RESTRICTED_ATTRS.includes(name.toUpperCase())) return name;
  }
  return undefined;
}

/** Template::merge as one.vm.update in append mode does it: attributes named in the update replace all of that name. */
export function mergeUserTemplate(current: readonly TemplateAttr[], update: readonly TemplateAttr[]): TemplateAttr[] {
  const names = new Set(update.map((a) => a.name));
  return [...current.filter((a) => !names.has(a.name)), ...update];
}

/** An attribute as OpenNebula's Ruby to_hash gives it: text, a hash for a vector, an array when repeated. */
function attrsToHash(attrs: readonly TemplateAttr[], skip: (name: string) => boolean = () => false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of attrs) {
    if (skip(a.name)) continue;
    const value = isVector(a) ? Object.fromEntries(a.vector.map((p) => [p.name, p.value])) : a.value;
    const seen = out[a.name];
    out[a.name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** build_vm_hash: what GET /vm answers. */
export function vmHash(vm: SimVm): unknown {
  const nics = (name: string) => vm.template.filter((a) => a.name === name && isVector(a))
    .map((a) => Object.fromEntries((isVector(a) ? a.vector : []).filter((p) => NIC_VALID_KEYS.has(p.name)).map((p) => [p.name, p.value])));
  return {
    VM: {
      NAME: vm.name,
      ID: String(vm.id),
      STATE: String(vm.state),
      LCM_STATE: String(vm.lcm),
      USER_TEMPLATE: attrsToHash(vm.userTemplate, (n) => USER_TEMPLATE_INVALID_KEYS.has(n)),
      TEMPLATE: { NIC: nics('NIC'), NIC_ALIAS: nics('NIC_ALIAS') },
    },
  };
}

/** OneGate answers JSON. */
const send = (res: ServerResponse, status: number, body: string): void => sendWhole(res, status, 'application/json;charset=utf-8', body);

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export interface OneGateDeps {
  readonly cloud: Cloud;
  readonly secret: Buffer;
  readonly logger: Logger;
  /** The simulator's XML-RPC faults: OneGate reaches oned through one.vm.info and one.vm.update, and fails with them. */
  readonly faults?: Faults;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the oned call behind a OneGate step fails now (after its injected latency). */
async function onedFails(deps: OneGateDeps, method: string): Promise<boolean> {
  const wait = deps.faults?.latencyMs(method) ?? 0;
  if (wait > 0) await sleep(wait);
  return deps.faults?.failure(method) !== undefined;
}

/** The VM the headers prove to be, or undefined (OneGateCloudAuth#do_auth answers nil). */
function authenticate(deps: OneGateDeps, req: IncomingMessage): SimVm | undefined {
  const token = header(req, 'x-onegate-token');
  const vmid = header(req, 'x-onegate-vmid');
  if (token === undefined || vmid === undefined || !/^\d+$/.test(vmid.trim())) return undefined;
  const vm = deps.cloud.vms.get(Number(vmid.trim()));
  if (!vm || !wantsToken(vm.template.find((a) => a.name === 'CONTEXT'))) return undefined;
  const expected = Buffer.from(oneGateToken(deps.secret, vm));
  const given = Buffer.from(token.trim());
  return given.length === expected.length && timingSafeEqual(given, expected) ? vm : undefined;
}

async function handle(deps: OneGateDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://onegate');
  const route = `${req.method} ${url.pathname}`;
  if (route !== 'GET /' && route !== 'GET /vm' && route !== 'PUT /vm') return send(res, 404, '<h1>Not Found</h1>');
  const body = await readBody(req);
  // Authentication reads the VM from oned (OneGateCloudAuth: vm.info); an error there is a refusal.
  const vm = (await onedFails(deps, 'one.vm.info')) ? undefined : authenticate(deps, req);
  if (!vm) {
    deps.logger.info(`OneGate: unauthorized ${route} (VMID ${header(req, 'x-onegate-vmid') ?? 'missing'})`);
    return send(res, 401, 'Not authorized');
  }
  if (route === 'GET /') {
    const base = `http://${req.headers.host ?? 'localhost'}`;
    return send(res, 200, JSON.stringify({ vm_info: `${base}/vm`, service_info: `${base}/service` }));
  }
  if (route === 'GET /vm') return send(res, 200, JSON.stringify(vmHash(vm)));
  // PUT /vm: the text in the `data` parameter, else the body; type=2 erases one attribute.
  const type = url.searchParams.get('type') === null ? 1 : Number(url.searchParams.get('type'));
  const escaped = escapeAttr(url.searchParams.get('data') ?? body);
  const restricted = restrictedAttr(escaped);
  if (restricted !== undefined) {
    return send(res, 403, `Attribute (${restricted}) ${type === 1 ? 'cannot be modified' : 'cannot be deleted'}`);
  }
  if (type !== 1) {
    const name = escaped.trim().toUpperCase();
    if (!vm.userTemplate.some((a) => a.name === name)) return send(res, 500, 'attribute not found');
    vm.userTemplate = vm.userTemplate.filter((a) => a.name !== name);
    return send(res, 200, '');
  }
  if (await onedFails(deps, 'one.vm.update')) return send(res, 500, '[one.vm.update] Internal error (fault injection)');
  let update: TemplateAttr[];
  try {
    update = parseTemplate(escaped);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    // one.vm.update refuses the text; OneGate passes oned's message on with a 500.
    return send(res, 500, `[one.vm.update] Parse error: ${e.message}`);
  }
  vm.userTemplate = mergeUserTemplate(vm.userTemplate, update);
  deps.logger.info(`OneGate: VM ${vm.id} updated ${update.map((a) => a.name).join(', ')}`);
  send(res, 200, '');
}

export async function startOneGate(deps: OneGateDeps, options: OneGateOptions = {}): Promise<OneGate> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((e: Error) => {
      deps.logger.error(`OneGate: ${e.stack ?? e}`);
      if (!res.headersSent) send(res, 500, 'Internal error');
    });
  });
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  const listen = (port: number) => new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  await listen(options.port ?? 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  let closed = false;
  let refusedUntil: NodeJS.Timeout | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    refuseConnections(ms) {
      if (closed) return;
      server.close();
      for (const s of sockets) s.destroy();
      clearTimeout(refusedUntil);
      refusedUntil = setTimeout(() => { if (!closed) listen(port).catch((e) => deps.logger.error(`OneGate re-listen failed: ${e}`)); }, ms);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(refusedUntil);
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
