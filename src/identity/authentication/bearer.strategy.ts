import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Strategy } from 'passport-http-bearer';
import { AuthenticationService } from './authentication.service.js';
import type { Principal } from '../principal.js';

/**
 * Passport's strategy registry is one per process. Each app registers its strategy under a name of
 * its own, so two apps in one process (tests of several instances) never authenticate through each
 * other's services, and closing one leaves the other intact.
 */
export const BEARER_STRATEGY_NAME = Symbol('BEARER_STRATEGY_NAME');
export const bearerStrategyNameProvider = {
  provide: BEARER_STRATEGY_NAME,
  useFactory: () => `bearer:${randomUUID()}`,
};

/** `Authorization: ApiKey vk_…` (VinLink's form), accepted everywhere `Bearer vk_…` is. */
const API_KEY_SCHEME = /^ApiKey +(vk_\S+)$/i;

/**
 * The one bearer strategy: user JWTs, API keys and key JWTs arrive as `Authorization: Bearer …`; an API
 * key may also come as `Authorization: ApiKey vk_…`.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy) implements OnModuleDestroy {
  constructor(
    private readonly authentication: AuthenticationService,
    @Inject(BEARER_STRATEGY_NAME) private readonly strategyName: string,
  ) {
    super({ passReqToCallback: true });
    passport.use(strategyName, this);
  }

  override authenticate(...[request, options]: Parameters<InstanceType<typeof Strategy>['authenticate']>): void {
    const headers = (request as { headers: Record<string, string | undefined> }).headers;
    const match = API_KEY_SCHEME.exec(headers.authorization ?? '');
    if (!match) return super.authenticate(request, options);
    // the same request, seen with the key as a bearer token (getters such as `ip` still read the original)
    const asBearer = Object.create(request, { headers: { value: { ...headers, authorization: `Bearer ${match[1]}` } } }) as typeof request;
    return super.authenticate(asBearer, options);
  }

  validate(request: FastifyRequest, token: string): Promise<Principal> {
    return this.authentication.authenticate(token, request.ip);
  }

  onModuleDestroy(): void {
    passport.unuse(this.strategyName);
  }
}
