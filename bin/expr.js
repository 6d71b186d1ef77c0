#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, for installs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./expr.ts');
