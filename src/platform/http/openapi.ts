import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['post']>;
type ParameterObject = NonNullable<OperationObject['parameters']>[number];

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
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const extended = operation as OperationObject & Record<string, unknown>;
      extended['x-required-scopes'] ??= [];
      extended['x-credit-cost'] ??= 0;
      if (method === 'post' && operation.security?.length) {
        operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY_HEADER];
      }
    }
  }
  return document;
}

/** Every authenticated POST accepts it (see IdempotencyService); public POSTs ignore it. */
const IDEMPOTENCY_KEY_HEADER: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 255 },
  description:
    'Makes the POST safe to retry for 24 h: a repeat with the same body returns the first response with ' +
    '`Idempotent-Replayed: true` and spends nothing; a different body → 422 `idempotency_key_reused`; ' +
    'a repeat while the first is still running → 409 `idempotency_in_progress`.',
};

export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
