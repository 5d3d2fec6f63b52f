import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../identity/authentication/access.decorators.js';
import { DomainError } from '../platform/http/domain-error.js';
import { PROBLEM_CODES, type ProblemCode, problemSlug } from '../platform/http/problem-codes.js';

const CODE_BY_SLUG = new Map(Object.keys(PROBLEM_CODES).map((code) => [problemSlug(code as ProblemCode), code as ProblemCode]));

/** The `type` URI of every problem body is dereferenceable: a short page for a person. */
@ApiExcludeController()
@Controller('problems')
export class ProblemsController {
  @Get(':slug')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=3600')
  page(@Param('slug') slug: string): string {
    const code = CODE_BY_SLUG.get(slug);
    if (!code) throw DomainError.notFound('Problem type');
    return problemPage(code);
  }
}

function problemPage(code: ProblemCode): string {
  const { status, title, when, action } = PROBLEM_CODES[code];
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} (${status}) · Fleetgate API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>${escapeHtml(title)}</h1>
<p>HTTP status <strong>${status}</strong>, <code>code: "${code}"</code></p>
<h2>When it happens</h2>
<p>${inlineCode(when)}</p>
<h2>What to do</h2>
<p>${inlineCode(action)}</p>
<p>Every error body carries a <code>requestId</code>; quote it when you contact support.</p>
</body>
</html>
`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const inlineCode = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
