import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isVector, type TemplateVector } from '../../lib/one/template';
import type { SimHost, SimVm } from './cloud';
import type { Logger } from './logger';
import { wantsToken } from './onegate';

/** What the state machine asks of a VM's guest. */
export interface Guest {
  start(vm: SimVm, host: SimHost): void;
  pause(vm: SimVm): void;
  resume(vm: SimVm): void;
  kill(vm: SimVm): void;
  closeAll(): void;
}

/** One boot's process, for tests that look at what the guest did. */
export interface GuestRun {
  readonly vmId: number;
  readonly pid: number;
  readonly dir: string;
  readonly consoleLog: string;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
}

export const NO_GUEST: Guest = { start() {}, pause() {}, resume() {}, kill() {}, closeAll() {} };

const SHIMS: Record<string, string> = {
  // The data repository is already mapped under $SIM_ROOT, so mounting succeeds without doing anything.
  mount: '#!/bin/sh\necho "[sim] mount $* (no-op)" >&2\nexit 0\n',
  umount: '#!/bin/sh\necho "[sim] umount $* (no-op)" >&2\nexit 0\n',
  // A guest shutdown: mark it, then end every process of this boot (its process group).
  poweroff: '#!/bin/sh\ntouch "$SIM_VM_DIR/poweroff"\nkill -TERM 0\n',
};

/**
 * Runs the CONTEXT start script of a VM as a local process group when it reaches RUNNING.
 * See local/sim/README.md for the contract a start script can rely on.
 */
export class ProcessGuest implements Guest {
  private readonly procs = new Map<number, ChildProcess>();
  readonly runs: GuestRun[] = [];
  private readonly shimDir: string;

  constructor(
    private readonly workDir: string,
    private readonly repositories: Record<string, string>,
    private readonly onPoweroff: (vmId: number) => void,
    private readonly logger: Logger,
    /** The OneGate token of a VM whose CONTEXT has TOKEN = YES (undefined: no OneGate). */
    private readonly oneGateToken?: (vm: SimVm) => string,
  ) {
    this.shimDir = join(workDir, 'bin');
    mkdirSync(this.shimDir, { recursive: true });
    for (const [name, body] of Object.entries({ ...SHIMS, shutdown: SHIMS.poweroff, halt: SHIMS.poweroff })) {
      const file = join(this.shimDir, name);
      writeFileSync(file, body);
      chmodSync(file, 0o755);
    }
  }

  private script(vm: SimVm): { script: string; context: TemplateVector } | undefined {
    const context = vm.template.find((a) => a.name === 'CONTEXT');
    if (!context || !isVector(context)) return undefined;
    const b64 = context.vector.find((p) => p.name === 'START_SCRIPT_BASE64')?.value;
    const plain = context.vector.find((p) => p.name === 'START_SCRIPT')?.value;
    // one-context prefers START_SCRIPT_BASE64 when both are set.
    const script = b64 !== undefined && b64 !== '' ? Buffer.from(b64, 'base64').toString('utf8') : plain;
    return script ? { script, context } : undefined;
  }

  start(vm: SimVm, host: SimHost): void {
    this.kill(vm);
    const found = this.script(vm);
    if (!found) return;
    const boot = this.runs.filter((r) => r.vmId === vm.id).length;
    const dir = join(this.workDir, `vm-${vm.id}`, `boot-${boot}`);
    const root = join(dir, 'root');
    mkdirSync(root, { recursive: true });
    for (const [guestPath, local] of Object.entries(this.repositories)) {
      const link = join(root, guestPath);
      mkdirSync(dirname(link), { recursive: true });
      if (!existsSync(link)) symlinkSync(local, link);
    }
    const file = join(dir, 'start-script');
    writeFileSync(file, found.script);
    chmodSync(file, 0o755);
    const env: Record<string, string> = {};
    for (const k of ['HOME', 'LANG', 'TMPDIR', 'USER', 'TZ']) if (process.env[k]) env[k] = process.env[k]!;
    for (const p of found.context.vector) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) env[p.name] = p.value;
    if (this.oneGateToken && wantsToken(found.context)) {
      // oned puts the token in token.txt on the context CD, which the guest's contextualisation
      // copies to /run/one-context/token.txt; the Windows context and the vCenter and EC2 drivers
      // give it as the ONEGATE_TOKEN variable. The guest gets both.
      const token = this.oneGateToken(vm);
      mkdirSync(join(root, 'run/one-context'), { recursive: true });
      writeFileSync(join(root, 'run/one-context/token.txt'), `${token}\n`, { mode: 0o600 });
      env.ONEGATE_TOKEN = token;
    }
    Object.assign(env, {
      PATH: `${this.shimDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      SIM_ROOT: root, SIM_VM_DIR: dir, SIM_VM_ID: String(vm.id), SIM_HOST: host.name,
    });
    const consoleLog = join(dir, 'console.log');
    const out = openSync(consoleLog, 'a');
    const shebang = found.script.startsWith('#!');
    const child = spawn(shebang ? file : 'bash', shebang ? [] : [file], { cwd: root, env, detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    const run: GuestRun = { vmId: vm.id, pid: child.pid ?? -1, dir, consoleLog };
    this.runs.push(run);
    this.procs.set(vm.id, child);
    child.on('error', (e) => this.logger.error(`VM ${vm.id}: start script failed to run: ${e.message}`));
    child.on('exit', (code, signal) => {
      run.exitCode = code;
      run.signal = signal;
      if (this.procs.get(vm.id) === child) this.procs.delete(vm.id);
      if (existsSync(join(dir, 'poweroff'))) {
        rmSync(join(dir, 'poweroff'));
        this.onPoweroff(vm.id);
      }
    });
  }

  private signal(vm: SimVm, sig: NodeJS.Signals): void {
    const child = this.procs.get(vm.id);
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The process group is already gone.
    }
  }

  pause(vm: SimVm): void {
    this.signal(vm, 'SIGSTOP');
  }

  resume(vm: SimVm): void {
    this.signal(vm, 'SIGCONT');
  }

  kill(vm: SimVm): void {
    this.signal(vm, 'SIGKILL');
    this.procs.delete(vm.id);
  }

  closeAll(): void {
    for (const child of this.procs.values()) {
      if (!child.pid) continue;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    this.procs.clear();
  }
}
