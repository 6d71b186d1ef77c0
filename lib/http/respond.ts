import type { APIGatewayProxyResult } from 'aws-lambda';

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const text = (statusCode: number, body: string, contentType = 'text/plain; charset=utf-8'): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': contentType },
  body,
});
