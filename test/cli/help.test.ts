import { describe, expect, it } from 'vitest';
import { runClient } from './cliProcess';

const COMMANDS = ['submit', 'status', 'list', 'cancel', 'logs', 'services', 'cluster', 'tenants', 'config'];

describe.concurrent('svmschedclient --help', () => {
  it('shows SVMSched\'s own command lines, every command and option, and exits 0', async () => {
    // Act
    const result = await runClient(['--help']);

    // Assess
    expect(result.code).toBe(0);
    const help = result.stdout.replace(/\\\n\s+/g, '');
    expect(help).toContain('$ svmschedclient -H svmsched@server=localhost --vcpu=2 --memory=1024 -r example-service1 -a /data/repository/file.dat');
    expect(help).toContain('-r training-session -a 7200');
    expect(help).toContain('-a /data/repository/file1.dat -t prod');
    expect(help).toContain('-a /data/repository/file2.dat -t beff');
    for (const flag of ['--vcpu', '--memory', '--service', '--args', '--type', '--priority', '--lifetime', '--requirements',
      '--idempotency-key', '--wait', '--json', '--server', '--token']) {
      expect(help).toContain(flag);
    }
    for (const command of COMMANDS) expect(help).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(help).toContain('SVMSCHED_URL');
    expect(help).toContain('Exit codes');
  });

  for (const command of COMMANDS) {
    it(`${command} --help shows its own SVMSched-style examples, settings and exit codes`, async () => {
      // Act
      const result = await runClient([command, '--help']);

      // Assess
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`Usage: svmschedclient ${command}`);
      expect(result.stdout).toContain('$ svmschedclient -H svmsched@server=localhost');
      expect(result.stdout).toContain('--json');
      expect(result.stdout).toContain('~/.svmsched/config.json');
      expect(result.stdout).toContain('Exit codes');
    });
  }

  it('submit --help lists every submit flag', async () => {
    // Act
    const result = await runClient(['submit', '--help']);

    // Assess
    for (const flag of ['--vcpu', '--memory', '-r, --service', '-a, --args', '-t, --type', '--priority', '--lifetime',
      '--requirements', '--idempotency-key', '-w, --wait', '-H, --server']) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('help COMMAND shows the same help as COMMAND --help', async () => {
    // Act
    const [viaHelp, viaFlag] = await Promise.all([runClient(['help', 'logs']), runClient(['logs', '--help'])]);

    // Assess
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('works through the package bin (bin/svmschedclient.js), as npx runs it', async () => {
    // Act
    const result = await runClient(['--version'], { via: 'shim' });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
