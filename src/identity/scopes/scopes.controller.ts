import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../authentication/access.decorators.js';
import { ALL_SCOPES, IMPLIED_SCOPES, PRESETS, SCOPE_DESCRIPTIONS, type Scope } from './scope-catalogue.js';

class ScopeEntry {
  @ApiProperty({ enum: ALL_SCOPES }) name!: Scope;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true }) implies!: Scope[];
}

class PresetEntry {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALL_SCOPES, isArray: true }) scopes!: Scope[];
}

class ScopeCatalogueResponse {
  @ApiProperty({ type: [ScopeEntry] }) scopes!: ScopeEntry[];
  @ApiProperty({ type: [PresetEntry] }) presets!: PresetEntry[];
}

const CATALOGUE: ScopeCatalogueResponse = {
  scopes: ALL_SCOPES.map((name) => ({
    name,
    description: SCOPE_DESCRIPTIONS[name],
    implies: [...(IMPLIED_SCOPES.get(name) ?? [])],
  })),
  presets: Object.entries(PRESETS).map(([name, scopes]) => ({ name, scopes: [...scopes] })),
};

@ApiTags('scopes')
@Controller('v1/scopes')
export class ScopesController {
  @Get()
  @Public()
  @ApiOkResponse({ type: ScopeCatalogueResponse })
  catalogue(): ScopeCatalogueResponse {
    return CATALOGUE;
  }
}
