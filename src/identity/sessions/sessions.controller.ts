import { Body, Controller, Get, HttpCode, Ip, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticated, CurrentPrincipal, Public } from '../authentication/access.decorators.js';
import { Throttled } from '../authentication/throttles.js';
import type { Principal } from '../principal.js';
import { SessionsService } from './sessions.service.js';
import { Call } from '../../platform/operations/call.decorator.js';
import type { CallInfo } from '../../platform/operations/operation.js';
import { SignupResponse } from '../directory/dto/directory.dto.js';
import { LoginRequest, LogoutRequest, RefreshRequest, SignupRequest, TokenPairResponse } from './dto/auth.dto.js';
import { displayIp } from '../api-keys/api-key-credentials.js';
import { MeResponse } from './dto/me.dto.js';
import { clearSessionCookie, optionalRefreshTokenFrom, refreshTokenFrom, SessionCookieInterceptor } from './session-cookie.js';
import { TokenRefreshService } from './token-refresh.service.js';

@ApiTags('auth')
@Controller('v1/auth')
export class SessionsController {
  constructor(
    private readonly auth: SessionsService,
    private readonly tokenRefresh: TokenRefreshService,
  ) {}

  @Post('signup')
  @Public()
  @Throttled('signup')
  @UseInterceptors(SessionCookieInterceptor)
  @ApiCreatedResponse({ type: SignupResponse })
  signup(@Body() request: SignupRequest, @Call() call: CallInfo): Promise<SignupResponse> {
    return this.auth.signup(request, call);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  @Throttled('login')
  @UseInterceptors(SessionCookieInterceptor)
  @ApiOkResponse({ type: TokenPairResponse })
  login(@Body() request: LoginRequest, @Call() call: CallInfo): Promise<TokenPairResponse> {
    return this.auth.login(request, call);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @Throttled('refresh')
  @UseInterceptors(SessionCookieInterceptor)
  @ApiOkResponse({ type: TokenPairResponse })
  refresh(@Body() request: RefreshRequest, @Req() http: FastifyRequest, @Ip() ip: string, @Call() call: CallInfo): Promise<TokenPairResponse> {
    return this.tokenRefresh.refresh(refreshTokenFrom(http, request.refreshToken), ip, call);
  }

  /** Ends a sign-in: revokes the refresh token's family and clears the session cookie. */
  @Post('logout')
  @HttpCode(204)
  @Public()
  @ApiNoContentResponse({ description: 'Signed out (also when the token was unknown or already revoked).' })
  async logout(@Body() request: LogoutRequest, @Req() http: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.tokenRefresh.logout(optionalRefreshTokenFrom(http, request.refreshToken));
    clearSessionCookie(http, reply);
  }

  @Get('me')
  @Authenticated()
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentPrincipal() principal: Principal, @Ip() ip: string): MeResponse {
    return MeResponse.of(principal, displayIp(ip));
  }
}
