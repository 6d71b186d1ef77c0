'use strict';
/**
 * What tells a deployment from the local stack (custom.deployment, custom.localEnvironment):
 *
 * - `serverless package` / `deploy` refuse a missing or invalid configuration file with the
 *   reason, before anything is built: a bundle without it fails at every function's start.
 * - Under `serverless offline` only, the functions get the local endpoints and test-only
 *   settings of custom.localEnvironment from this machine's environment; a packaged template
 *   never holds them (nor the password: deployed functions read it from SSM at run time).
 * - With custom.deployment.vpcSubnetIds and vpcSecurityGroupIds, the functions that read the
 *   OpenNebula password (those that talk to OpenNebula) run in that VPC, and their roles may
 *   create the network interfaces Lambda needs there.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PASSWORD_PARAMETER = 'SVMSCHED_ONE_PASSWORD_PARAMETER';
const VPC_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

class Deployment {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.hooks = {
      initialize: () => this.initialize(),
      'before:package:initialize': () => this.checkConfig(),
      'before:package:compileFunctions': () => this.placeInVpc(),
      'before:aws:package:finalize:saveServiceState': () => this.grantVpcAccess(),
    };
  }

  get command() {
    return (this.serverless.processedInput && this.serverless.processedInput.commands) || [];
  }

  initialize() {
    if (this.command[0] !== 'offline') return;
    const service = this.serverless.service;
    const env = (service.provider.environment ??= {});
    for (const [name, from] of Object.entries((service.custom && service.custom.localEnvironment) || {})) {
      if (process.env[from] !== undefined) env[name] = process.env[from];
    }
    // The local stack has no Parameter Store: its password comes in SVMSCHED_ONE_PASSWORD or ONE_AUTH.
    for (const fn of Object.values(service.functions || {})) {
      if (fn.environment) delete fn.environment[PASSWORD_PARAMETER];
    }
  }

  fail(message) {
    throw new this.serverless.classes.Error(message);
  }

  /** The configuration file exists, lies inside this folder (it is packaged from here), and loads. */
  checkConfig() {
    const root = this.serverless.serviceDir || this.serverless.config.servicePath;
    const file = String(this.serverless.service.custom.deployment.configFile || '');
    const where = 'custom.deployment.configFile (SVMSCHED_DEPLOY_CONFIG)';
    if (!file) this.fail(`${where} is empty: name the svmsched configuration file to deploy`);
    if (path.isAbsolute(file) || path.relative(root, path.resolve(root, file)).startsWith('..')) {
      this.fail(`${where} is ${file}: it must be a path inside ${root}, as it is packaged with the functions`);
    }
    if (!fs.existsSync(path.resolve(root, file))) {
      this.fail(`no configuration file ${file} in ${root}: write one (local/svmsched.xml is an example, schemas/config.json the reference) or set SVMSCHED_DEPLOY_CONFIG; see DEPLOY.md`);
    }
    const parameter = String(this.serverless.service.custom.deployment.onePasswordParameter || '');
    if (!/^(\/[A-Za-z0-9_.-]+)+$/.test(parameter)) {
      this.fail(`custom.deployment.onePasswordParameter (SVMSCHED_ONE_PASSWORD_PARAMETER) is "${parameter}": give the SSM parameter's full name, starting with / (e.g. /svmsched/prod/one-password)`);
    }
    // Loaded as the functions load it (lib/config), so what passes here starts there.
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'checkConfig.ts'), path.resolve(root, file)], {
      cwd: root, encoding: 'utf8', env: { ...process.env, SVMSCHED_ONE_PASSWORD: '' },
    });
    if (run.status !== 0) this.fail(`configuration ${file} is invalid: ${(run.stderr || run.stdout || String(run.error)).trim()}`);
  }

  vpc() {
    const d = this.serverless.service.custom.deployment || {};
    const ids = (v) => String(v || '').split(',').map((s) => s.trim()).filter(Boolean);
    const subnetIds = ids(d.vpcSubnetIds);
    const securityGroupIds = ids(d.vpcSecurityGroupIds);
    if (!subnetIds.length && !securityGroupIds.length) return undefined;
    if (!subnetIds.length || !securityGroupIds.length) {
      this.fail('custom.deployment: set both vpcSubnetIds and vpcSecurityGroupIds (SVMSCHED_VPC_SUBNET_IDS, SVMSCHED_VPC_SECURITY_GROUP_IDS), or neither');
    }
    return { subnetIds, securityGroupIds };
  }

  /** The functions that talk to OpenNebula: those given the password's parameter. */
  oneFunctions() {
    return Object.values(this.serverless.service.functions || {}).filter((fn) => fn.environment && fn.environment[PASSWORD_PARAMETER]);
  }

  placeInVpc() {
    const vpc = this.vpc();
    if (!vpc) return;
    for (const fn of this.oneFunctions()) fn.vpc = vpc;
  }

  grantVpcAccess() {
    if (!this.vpc()) return;
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const role of new Set(this.oneFunctions().map((fn) => fn.role))) {
      const r = resources[role];
      if (!r) continue;
      const arns = (r.Properties.ManagedPolicyArns ??= []);
      if (!arns.includes(VPC_POLICY)) arns.push(VPC_POLICY);
    }
  }
}

module.exports = Deployment;
