import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
type PathItem = Record<string, Operation>;
interface Document {
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, object> };
}

export interface CheckedResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/**
 * Holds every /v1 response a test receives to the committed openapi.json: the operation (method and
 * path template) must be documented, the status must be described (or covered by `default`), and a
 * JSON body must match the schema the document gives for it.
 */
export class OpenApiValidator {
  private readonly document: Document;
  private readonly ajv: Ajv;
  private readonly templates: Array<{ pattern: RegExp; path: string; specificity: number }>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(file = 'openapi.json') {
    this.document = JSON.parse(readFileSync(file, 'utf8')) as Document;
    // OpenAPI 3.0 schemas: `nullable`, `example` and friends are not JSON Schema keywords
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    this.ajv.addSchema({ components: this.document.components }, 'openapi');
    this.templates = Object.keys(this.document.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\\{[^/]+?\\\}|\{[^/]+?\}/g, '[^/]+')}$`),
      specificity: path.split('{').length,
    })).sort((a, b) => a.specificity - b.specificity);
  }

  /** A list of problems; empty when the response is what the document says. */
  check(method: string, url: string, response: CheckedResponse): string[] {
    const path = url.split('?')[0];
    // the document is the API's; the console, /docs and the `GET /` redirect are pages, not operations
    if (!path.startsWith('/v1/')) return [];
    const template = this.templates.find((candidate) => candidate.pattern.test(path));
    const operation = template && this.document.paths[template.path][method.toLowerCase()];
    if (!template || !operation) {
      // a path or method that does not exist is answered with a problem (404, 405, …), never a success
      if (response.status >= 400) return this.checkBody(`${method} (undocumented)`, response, { $ref: 'openapi#/components/schemas/Problem' });
      return [`${method} ${path} → ${response.status} is not in openapi.json`];
    }
    const described = operation.responses?.[String(response.status)] ?? operation.responses?.default;
    if (!described) return [`${method} ${template.path} → ${response.status} is not described in openapi.json`];
    const contentType = (response.headers['content-type'] ?? '').split(';')[0].trim();
    if (!isJsonDocument(contentType) || response.status === 204) return [];
    const schema = described.content?.[contentType]?.schema;
    if (!schema) return [`${method} ${template.path} → ${response.status} ${contentType} has no schema in openapi.json`];
    return this.checkBody(`${method} ${template.path} ${response.status} ${contentType}`, response, rewriteRefs(schema));
  }

  private checkBody(key: string, response: CheckedResponse, schema: object): string[] {
    const contentType = (response.headers['content-type'] ?? '').split(';')[0].trim();
    if (!isJsonDocument(contentType)) return [];
    let body = response.body;
    if (typeof body === 'string') {
      // a test that read the body as text (e.g. the fuzz test)
      try {
        body = JSON.parse(body) as unknown;
      } catch {
        return [`${key}: the body is not JSON`];
      }
    }
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${key}: ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  }
}

/** One JSON document (`application/json`, `application/problem+json`), not a stream of them (NDJSON). */
function isJsonDocument(contentType: string): boolean {
  return contentType === 'application/json' || contentType.endsWith('+json');
}

/** `#/components/schemas/X` → `openapi#/components/schemas/X`, so each schema compiles on its own. */
function rewriteRefs(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"openapi#/')) as object;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
type Thenable = { then: (onFulfilled?: (value: CheckedResponse) => unknown, onRejected?: (reason: unknown) => unknown) => Promise<unknown> };

/**
 * The agent, with every request's response held to the document before a test sees it: a response the
 * document does not describe fails the test that received it.
 */
export function validating<T extends object>(agent: T, validator: OpenApiValidator): T {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !METHODS.has(property) || typeof value !== 'function') return value;
      return (url: string, ...rest: unknown[]) => {
        const test = (value as (...args: unknown[]) => Thenable).call(target, url, ...rest);
        const then = test.then.bind(test);
        test.then = (onFulfilled, onRejected) =>
          then((response: CheckedResponse) => {
            const problems = validator.check(property.toUpperCase(), url, response);
            if (problems.length > 0) throw new Error(`response does not match openapi.json:\n${problems.join('\n')}`);
            return response;
          }).then(onFulfilled as (value: unknown) => unknown, onRejected);
        return test;
      };
    },
  });
}
