import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const AUTH_DESCRIPTION = [
  'Send one of three credentials as `Authorization: Bearer <token>`:',
  '- a user access token from `/v1/auth/login`: `Authorization: Bearer eyJhbGciOiJIUzI1NiIs…`',
  '- an API key: `Authorization: Bearer vk_k3x9q2mf_Yp4…`',
  '- a key access token from `/v1/auth/api-key/token`: `Authorization: Bearer eyJhbGciOiJIUzI1NiIs…`',
].join('\n');

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Fleetgate API')
    .setDescription(
      'The API behind a UK vehicle-rental and fleet back office. Errors are RFC 9457 problem+json with a stable `code`. ' +
        'Every operation states its required scopes (`x-required-scopes`) and credit cost (`x-credit-cost`).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: AUTH_DESCRIPTION })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1')) continue;
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      const extended = operation as Record<string, unknown>;
      extended['x-required-scopes'] ??= [];
      extended['x-credit-cost'] ??= 0;
    }
  }
  return document;
}

export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
