import { Body, Controller, Get, Headers, HttpCode, Ip, Post, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TokenPairResponse } from './dto/auth.dto.js';
import { Public } from '../authentication/access.decorators.js';
import { Throttled } from '../authentication/throttles.js';
import { ApiKeyTokenRequest } from '../api-keys/dto/api-key.dto.js';
import { KeyTokenService } from './key-token.service.js';

const KEY_HEADER = { name: 'Authorization', required: false, description: 'ApiKey vk_{publicId}_{secret}', example: 'ApiKey vk_k3x9q2mf7a1b_…' };

/** VinLink-compatible token exchange: the key authenticates itself here, so the routes are public. */
@ApiTags('auth')
@Controller('v1/auth/api-key')
export class KeyTokenController {
  constructor(private readonly tokens: KeyTokenService) {}

  @Post('token')
  @HttpCode(200)
  @Public()
  @Throttled('refresh')
  @ApiHeader(KEY_HEADER)
  @ApiOkResponse({ type: TokenPairResponse })
  exchange(@Headers('authorization') authorization: string | undefined, @Body() request: ApiKeyTokenRequest, @Ip() ip: string): Promise<TokenPairResponse> {
    return this.tokens.exchange(KeyTokenService.keyFrom(authorization, request.apiKey), ip);
  }

  @Get('token')
  @Public()
  @Throttled('refresh')
  @ApiOkResponse({ type: TokenPairResponse, description: 'The `apiKey` query value is never written to any log.' })
  exchangeByQuery(@Headers('authorization') authorization: string | undefined, @Query() query: ApiKeyTokenRequest, @Ip() ip: string): Promise<TokenPairResponse> {
    return this.tokens.exchange(KeyTokenService.keyFrom(authorization, query.apiKey), ip);
  }
}
