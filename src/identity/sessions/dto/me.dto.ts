import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Principal } from '../../principal.js';
import { ALL_SCOPES, ROLES, type Role, type Scope } from '../../scopes/scope-catalogue.js';

export class MeResponse {
  @ApiProperty({ enum: ['user', 'api_key'] }) type!: 'user' | 'api_key';
  @ApiProperty() companyId!: string;
  @ApiPropertyOptional() userId?: string;
  @ApiPropertyOptional({ enum: ROLES }) role?: Role;
  @ApiPropertyOptional() publicId?: string;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true, description: 'Effective scopes, expanded by the hierarchy.' }) scopes!: Scope[];
  @ApiProperty({ description: "The caller's IP address as this server sees it (what IP allowlists are checked against).", example: '203.0.113.7' })
  ip!: string;

  static of(principal: Principal, ip: string): MeResponse {
    const scopes = [...principal.scopes].sort();
    return principal.type === 'user'
      ? { type: 'user', companyId: principal.companyId, userId: principal.userId, role: principal.role, scopes, ip }
      : { type: 'api_key', companyId: principal.companyId, publicId: principal.publicId, scopes, ip };
  }
}
