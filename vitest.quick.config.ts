/**
 * `npm run test:quick`: the unit and property tests, for a quick round while developing. Leaves
 * out every test file that starts a process or a service of the stack (DynamoDB Local,
 * serverless-offline, `serverless package`, the command lines as child processes), found by
 * what the file uses, so a new test lands on the right side by itself. `npm test` runs all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

const SLOW = /startStack|startOffline|useDynamoLocal|startDynamoLocal|serverless\/bin|cliProcess|adminProcess|child_process|SVMSCHED_FAULT_SIZE/;

function slowFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return slowFiles(file);
    return e.name.endsWith('.test.ts') && SLOW.test(readFileSync(file, 'utf8')) ? [file] : [];
  });
}

export default mergeConfig(base, defineConfig({
  test: { exclude: ['**/node_modules/**', ...slowFiles('test')] },
}));
