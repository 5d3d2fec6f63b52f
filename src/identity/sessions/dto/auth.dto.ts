import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import { IsOmittable, MaxLength } from '../../../platform/validation/validators.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const normaliseEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export const PASSWORD_MIN_LENGTH = 12;

const SESSION_DESCRIPTION =
  '`cookie`: the refresh token is set as the httpOnly, SameSite=Strict cookie `fleetgate_refresh` (Path=/v1/auth) ' +
  'and left out of the body (browser sessions, e.g. the console).';

/** `session: "cookie"` on signup, login and refresh (see session-cookie.ts). */
class SessionChoice {
  @ApiPropertyOptional({ enum: ['cookie'], description: SESSION_DESCRIPTION })
  @IsOptional() @IsIn(['cookie'])
  session?: 'cookie';
}

export class SignupRequest extends SessionChoice {
  @ApiProperty({ example: 'Acme Van Hire Ltd', maxLength: 200 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  companyName!: string;

  @ApiProperty({ example: 'Alex Owner', maxLength: 200 })
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'alex@acme-vans.co.uk' })
  @Transform(normaliseEmail) @IsEmail() @MaxLength(320)
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, example: 'correct horse battery' })
  @IsString() @MinLength(PASSWORD_MIN_LENGTH) @MaxLength(200)
  password!: string;
}

export class LoginRequest extends SessionChoice {
  @ApiProperty({ example: 'alex@acme-vans.co.uk' })
  @Transform(normaliseEmail) @IsString() @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString() @MaxLength(200)
  password!: string;
}

export class RefreshRequest extends SessionChoice {
  @ApiPropertyOptional({
    example: 'rt_…',
    description: 'Required unless the `fleetgate_refresh` cookie is sent; with the cookie, send `X-Requested-With` too.',
  })
  @IsOmittable() @IsString() @MaxLength(200)
  refreshToken?: string;
}

export class LogoutRequest {
  @ApiPropertyOptional({
    example: 'rt_…',
    description: 'The refresh token to revoke with its family; omit it to use the `fleetgate_refresh` cookie (with `X-Requested-With`).',
  })
  @IsOmittable() @IsString() @MaxLength(200)
  refreshToken?: string;
}

export class TokenPairResponse {
  @ApiProperty() accessToken!: string;
  @ApiPropertyOptional({ description: 'Left out when the session is a cookie (`session: "cookie"`).' }) refreshToken?: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ example: 900, description: 'Access-token lifetime in seconds.' }) expiresIn!: number;
}
