import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['post']>;
type ParameterObject = NonNullable<OperationObject['parameters']>[number];
type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

const AUTH_DESCRIPTION = [
  'Send one of three credentials as `Authorization: Bearer <token>`:',
  '- a user access token from `/v1/auth/login`: `Authorization: Bearer eyJhbGciOiJIUzI1NiIs…`',
  '- an API key: `Authorization: Bearer vk_k3x9q2mf7a1b_Yp4…` (or, as VinLink sends it, `Authorization: ApiKey vk_k3x9q2mf7a1b_Yp4…`)',
  '- a key access token from `/v1/auth/api-key/token`: `Authorization: Bearer eyJhbGciOiJIUzI1NiIs…`',
].join('\n');

const KEY_HEADER_EXAMPLE = '`Authorization: Bearer vk_k3x9q2mf7a1b_Yp4…` (an API key; `ApiKey vk_…` works too) or `Authorization: Bearer <access token>`';
const USER_HEADER_EXAMPLE = '`Authorization: Bearer <user access token from POST /v1/auth/login>`, e.g. `Authorization: Bearer eyJhbGciOiJIUzI1NiIs…`';

/**
 * Says in words what the `x-` extensions say (they come from the same decorators the guard reads):
 * who may call the operation, with the exact Authorization header, and what it costs.
 */
function describeAccess(operation: OperationObject & Record<string, unknown>): string {
  const scopes = (operation['x-required-scopes'] as string[] | undefined) ?? [];
  const roles = operation['x-allowed-roles'] as string[] | undefined;
  const cost = operation['x-credit-cost'] === 1 ? 'Costs 1 credit.' : 'Free.';
  if (!operation.security?.length) return `Public: no credentials needed. ${cost}`;
  if (roles) {
    return `Management operation: a user access token of role ${roles.join(', ')} (an API key or key token gets 403 user_token_required). Header: ${USER_HEADER_EXAMPLE}. ${cost}`;
  }
  if (scopes.length > 0) {
    return `Requires scope ${scopes.map((scope) => `\`${scope}\``).join(' and ')}: an API key or key token holding it, or a user whose role grants it. Header: ${KEY_HEADER_EXAMPLE}. ${cost}`;
  }
  return `Any authenticated caller: a user access token, an API key or a key token. Header: ${KEY_HEADER_EXAMPLE}. ${cost}`;
}

/** `ApiKeysController_rotateSecret` → `Rotate secret`, when the handler gave no summary of its own. */
function summaryOf(operation: OperationObject): string {
  const handler = (operation.operationId ?? '').split('_').pop() ?? '';
  const words = handler.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const tag = operation.tags?.[0]?.replace(/-/g, ' ') ?? '';
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${tag ? ` (${tag})` : ''}`;
}

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
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA } };
  for (const schema of Object.values(document.components.schemas ?? {})) allowNullReferences(schema);
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith('/v1')) continue;
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const extended = operation as OperationObject & Record<string, unknown>;
      extended['x-required-scopes'] ??= [];
      extended['x-credit-cost'] ??= 0;
      operation.summary ??= summaryOf(operation);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && response && 'description' in response && !response.content) response.content = PROBLEM_CONTENT;
      }
      operation.responses.default ??= {
        description: 'An RFC 9457 problem: the `code` says what went wrong (see the table in the API description).',
        content: PROBLEM_CONTENT,
      };
      operation.description = [describeAccess(extended), operation.description].filter(Boolean).join('\n\n');
      if (method === 'post' && operation.security?.length) {
        operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY_HEADER];
      }
    }
  }
  return document;
}

/** The null alternative of a nullable reference: OpenAPI 3.0 has no `type: 'null'`. */
const NULL_SCHEMA: SchemaObject = { type: 'object', nullable: true, enum: [null] };

/**
 * `@ApiProperty({ type: Dto, nullable: true })` becomes `nullable` beside `allOf: [$ref]`, which per
 * OpenAPI 3.0.3 still refuses null (the referenced schema must hold, and it is not nullable); a
 * validator reading the document would reject the `null` the server sends. `anyOf: [$ref, null]`
 * says what the property is.
 */
function allowNullReferences(schema: SchemaObject): void {
  if (!('properties' in schema) || !schema.properties) return;
  for (const [name, property] of Object.entries(schema.properties)) {
    if ('$ref' in property || !property.nullable || property.allOf?.length !== 1 || !('$ref' in property.allOf[0])) continue;
    const { allOf, ...rest } = property;
    delete rest.nullable;
    delete rest.type;
    schema.properties[name] = { ...rest, anyOf: [allOf[0], NULL_SCHEMA] };
  }
}

/** RFC 9457 problem details as every error answers them; extensions (`errors`, `requiredScopes`, …) per code. */
const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'requestId'],
  properties: {
    type: { type: 'string', example: '/problems/insufficient-scope' },
    title: { type: 'string', example: 'Insufficient scope' },
    status: { type: 'integer', example: 403 },
    code: { type: 'string', example: 'insufficient_scope' },
    detail: { type: 'string', example: 'This operation requires inspections:write.' },
    instance: { type: 'string', example: '/v1/inspections' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
  additionalProperties: true,
};

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

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
