import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error.js';
import { sendProblem } from './problem-details.filter.js';

/** No inline script or style, nothing from elsewhere: the console only talks to this server. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  // record PDFs are fetched with the bearer token and framed from a blob: URL; no other frame source
  "frame-src blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** `<repository>/dist/console`, where `npm run build:web` puts the Vite build (from src/ or dist/src/ alike). */
export function defaultConsoleDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json')) && dirname(directory) !== directory) directory = dirname(directory);
  return join(directory, 'dist', 'console');
}

/**
 * The web console at /console/: its built files, index.html for every other GET under /console/
 * (the SPA's deep links), the strict CSP on all of it; and `GET /` → 302 /console/.
 */
export function registerConsole(app: NestFastifyApplication, directory = defaultConsoleDirectory()): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/', (_request, reply) => reply.redirect('/console/', 302));
  const indexPath = join(directory, 'index.html');
  const indexHtml = existsSync(indexPath) ? readFileSync(indexPath) : undefined;
  const assets = join(directory, 'assets');

  void fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (_request, reply) => {
        void reply.headers(SECURITY_HEADERS);
      });
      if (indexHtml) {
        await scope.register(fastifyStatic, {
          root: directory,
          prefix: '/',
          decorateReply: false,
          index: false,
          cacheControl: false,
          setHeaders: (reply, filePath) => {
            // hashed file names change with their content; everything else is revalidated
            void reply.header('Cache-Control', filePath.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
          },
        });
      }
      scope.route({ method: 'GET', url: '/', prefixTrailingSlash: 'slash', handler: (request, reply) => serveApp(request, reply, indexHtml) });
      scope.setNotFoundHandler((request, reply) => serveApp(request, reply, indexHtml));
    },
    { prefix: '/console' },
  );
}

function serveApp(request: FastifyRequest, reply: FastifyReply, indexHtml: Buffer | undefined): void {
  const path = request.url.split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendProblem(request, reply, new DomainError('method_not_allowed', `${request.method} is not allowed here; use GET.`, {}, { Allow: 'GET, HEAD' }));
  }
  if (path === '/console') return void reply.redirect('/console/', 301);
  if (!indexHtml) return sendProblem(request, reply, new DomainError('not_found', 'The console is not built on this server: run `npm run build:web`.'));
  if (path.startsWith('/console/assets/')) return sendProblem(request, reply, DomainError.notFound('File'));
  void reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml);
}
