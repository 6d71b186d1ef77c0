'use strict';
/**
 * Stage-wide throttling of the REST API (custom.apiThrottle: rateLimit, burstLimit), so that
 * one client cannot flood the functions and the tables behind them. The Serverless Framework
 * creates the stage through its AWS::ApiGateway::Deployment, whose logical id changes with
 * every deployment and whose stage settings do not reach a stage that already exists; a
 * usage plan throttles only callers with an API key. So this plugin declares the stage as
 * its own AWS::ApiGateway::Stage with MethodSettings, and takes the stage name off the
 * Deployment, as the framework itself does when it manages a stage resource.
 */
class StageThrottle {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:package:compileEvents': () => this.declareStage() };
  }

  declareStage() {
    const service = this.serverless.service;
    const throttle = service.custom && service.custom.apiThrottle;
    if (!throttle) return;
    const rate = Number(throttle.rateLimit);
    const burst = Number(throttle.burstLimit);
    if (!(rate > 0) || !Number.isInteger(burst) || burst < 1) {
      throw new this.serverless.classes.Error(`custom.apiThrottle: rateLimit must be a positive number and burstLimit a positive integer (got ${throttle.rateLimit}, ${throttle.burstLimit})`);
    }
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const found = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGateway::Deployment');
    if (!found) return;
    const [deploymentId, deployment] = found;
    const stageName = deployment.Properties.StageName;
    delete deployment.Properties.StageName;
    resources.ApiGatewayStage = {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        RestApiId: deployment.Properties.RestApiId,
        DeploymentId: { Ref: deploymentId },
        StageName: stageName,
        // "/*" and "*": every method of every resource.
        MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst }],
      },
    };
  }
}

module.exports = StageThrottle;
