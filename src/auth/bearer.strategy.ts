import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-http-bearer';
import { AuthenticationService } from './authentication.service.js';
import type { Principal } from './principal.js';

/** The one bearer strategy: user JWTs, API keys and key JWTs all arrive as `Authorization: Bearer …`. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly authentication: AuthenticationService) {
    super({ passReqToCallback: true });
  }

  validate(request: FastifyRequest, token: string): Promise<Principal> {
    return this.authentication.authenticate(token, request.ip);
  }
}
