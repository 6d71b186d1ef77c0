import { describe, expect, it } from 'vitest';
import { runClient } from './cliProcess';

/** Usage errors: one line on stderr naming what is wrong, exit 2, and no request made. */
describe.concurrent('svmschedclient refuses bad command lines', () => {
  const cases: { name: string; args: string[]; mentions: string[] }[] = [
    { name: 'an unknown flag, with the near one', args: ['--vcpus=2', '-r', 'example-service1'], mentions: ['--vcpus', '--vcpu'] },
    { name: 'a non-numeric --vcpu', args: ['--vcpu=two', '-r', 'example-service1'], mentions: ['--vcpu', 'two'] },
    { name: 'a zero --memory', args: ['--memory=0', '-r', 'example-service1'], mentions: ['--memory'] },
    { name: 'a class other than prod or beff', args: ['-t', 'gold', '-r', 'example-service1'], mentions: ['--type', 'gold', 'prod', 'beff'] },
    { name: 'a bad --lifetime', args: ['--lifetime', 'soon', '-r', 'example-service1'], mentions: ['--lifetime', 'soon'] },
    { name: 'a flag missing its value', args: ['-r', 'example-service1', '--memory'], mentions: ['--memory', 'missing'] },
    { name: 'a flag unknown to a command', args: ['status', 'J1', '--frob'], mentions: ['--frob'] },
    { name: 'a list filter on an unknown state', args: ['list', '--state', 'WAITING'], mentions: ['--state', 'WAITING'] },
    { name: 'a misspelt command', args: ['stauts', 'J1'], mentions: ['stauts', 'status'] },
    { name: 'a second service argument without its -a', args: ['-r', 'example-service1', '-a', 'in.dat', 'out.dat'], mentions: ['out.dat', '-a'] },
    { name: 'a submit without -r', args: ['--vcpu=2', '--memory=1024'], mentions: ['-r'] },
    { name: 'a status without its job', args: ['status'], mentions: ['job'] },
    { name: 'a server that is not http', args: ['-H', 'ftp://x', '-r', 'example-service1'], mentions: ['ftp://x'] },
  ];

  for (const { name, args, mentions } of cases) {
    it(`refuses ${name}`, async () => {
      // Act
      const result = await runClient(args);

      // Assess
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      for (const word of mentions) expect(result.stderr).toContain(word);
    });
  }
});
