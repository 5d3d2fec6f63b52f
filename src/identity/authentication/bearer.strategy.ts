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

/** The one bearer strategy: user JWTs, API keys and key JWTs all arrive as `Authorization: Bearer …`. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy) implements OnModuleDestroy {
  constructor(
    private readonly authentication: AuthenticationService,
    @Inject(BEARER_STRATEGY_NAME) private readonly strategyName: string,
  ) {
    super({ passReqToCallback: true });
    passport.use(strategyName, this);
  }

  validate(request: FastifyRequest, token: string): Promise<Principal> {
    return this.authentication.authenticate(token, request.ip);
  }

  onModuleDestroy(): void {
    passport.unuse(this.strategyName);
  }
}
