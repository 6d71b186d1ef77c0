import type { Command } from 'commander';

/** SVMSched's own command lines, as its users type them; every command's help ends with some. */
export const SVMSCHED_EXAMPLES = {
  data: [
    '$ svmschedclient -H svmsched@server=localhost --vcpu=2 --memory=1024 \\',
    '      -r example-service1 -a /data/repository/file.dat',
  ],
  training: [
    '$ svmschedclient -H svmsched@server=localhost --vcpu=2 --memory=1024 \\',
    '      -r training-session -a 7200            # a training VM for 2 hours',
  ],
  prod: [
    '$ svmschedclient -H svmsched@server=localhost --vcpu=2 --memory=1024 \\',
    '      -r prod-service -a /data/repository/file1.dat -t prod',
  ],
  beff: [
    '$ svmschedclient -H svmsched@server=localhost --vcpu=2 --memory=1024 \\',
    '      -r nrt-service -a /data/repository/file2.dat -t beff --wait',
  ],
} as const;

const SETTINGS = `Server and token, first found wins:
  1. -H/--server, --token
  2. $SVMSCHED_URL, $SVMSCHED_TOKEN
  3. ~/.svmsched/config.json: {"server": "...", "token": "..."}
  4. the local stack: http://localhost:3000 and the token in .local-data/token`;

const EXIT_CODES = `Exit codes:
  0    ok; with --wait, the job COMPLETED (or EXPIRED, for a service whose
       lifetime is its normal end, as a training session)
  1    the job FAILED, was CANCELLED or EXPIRED; or its state refused the request
  2    bad flag or value, also when the server refuses a field
  3    server unreachable, timing out or failing
  4    no token, bad token, or not your job
  5    no such job
  130  interrupted: the job goes on`;

/** Appends examples, where settings come from, and exit codes to a command's --help. */
export function withHelp(cmd: Command, examples: readonly string[]): Command {
  return cmd.addHelpText('after', `
Examples:
${examples.map((line) => `  ${line}`).join('\n')}

${SETTINGS}

${EXIT_CODES}
`);
}
