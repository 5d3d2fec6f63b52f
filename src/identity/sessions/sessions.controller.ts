import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, Public } from '../authentication/access.decorators.js';
import type { Principal } from '../principal.js';
import { SessionsService } from './sessions.service.js';
import { Call } from '../../platform/operations/call.decorator.js';
import type { CallInfo } from '../../platform/operations/operation.js';
import { SignupResponse } from '../directory/dto/directory.dto.js';
import { LoginRequest, RefreshRequest, SignupRequest, TokenPairResponse } from './dto/auth.dto.js';
import { MeResponse } from './dto/me.dto.js';
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
  signup(@Body() request: SignupRequest, @Call() call: CallInfo): Promise<SignupResponse> {
    return this.auth.signup(request, call);
  }

  @Post('login')
  @HttpCode(200)
  @Public()
  login(@Body() request: LoginRequest, @Call() call: CallInfo): Promise<TokenPairResponse> {
    return this.auth.login(request, call);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  refresh(@Body() request: RefreshRequest, @Ip() ip: string, @Call() call: CallInfo): Promise<TokenPairResponse> {
    return this.tokenRefresh.refresh(request.refreshToken, ip, call);
  }

  @Get('me')
  @Authenticated()
  me(@CurrentPrincipal() principal: Principal): MeResponse {
    return MeResponse.of(principal);
  }
}
