import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';

/**
 * For POSTs whose body is entirely optional (token exchange with the key in a header, rotate without
 * a grace period): a request with no body at all is validated as `{}`. A body that is present but not
 * a JSON object is still refused by the validation pipe. (Interceptors run before the pipes.)
 */
@Injectable()
export class AbsentBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.body === undefined) request.body = {};
    return next.handle();
  }
}
