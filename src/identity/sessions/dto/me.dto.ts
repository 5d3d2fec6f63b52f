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

  static of(principal: Principal): MeResponse {
    const scopes = [...principal.scopes].sort();
    return principal.type === 'user'
      ? { type: 'user', companyId: principal.companyId, userId: principal.userId, role: principal.role, scopes }
      : { type: 'api_key', companyId: principal.companyId, publicId: principal.publicId, scopes };
  }
}
