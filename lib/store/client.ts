/**
 * DynamoDB clients: the document client the repositories use, and the settings for
 * DynamoDB Local (any credentials and region do with -sharedDb).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function localClientConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** A client for AWS, or for DynamoDB Local when DYNAMODB_ENDPOINT is set (serverless.yml passes it through). */
export function createDynamoClient(env: Readonly<Record<string, string | undefined>> = process.env): DynamoDBClient {
  const endpoint = env.DYNAMODB_ENDPOINT;
  return new DynamoDBClient(endpoint ? localClientConfig(endpoint) : {});
}

/** The document client the repositories take: plain JS values in and out, undefined fields dropped. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
