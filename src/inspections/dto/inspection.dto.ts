import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOmittable, MaxLength } from '../../platform/validation/validators.js';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import type { InspectionTemplate } from '../inspection-template.entity.js';
import {
  DAMAGE_SEVERITIES,
  type DamageSeverity,
  type Inspection,
  INSPECTION_STATUSES,
  type InspectionStatus,
  ITEM_RESULTS,
  type ItemResult,
} from '../inspection.entity.js';

const NOT_BLANK = /\S/;

export class SignOffRequest {
  @ApiProperty({ example: 'Sam Driver', description: 'Who signs the report off.' })
  @IsString() @MaxLength(200) @Matches(NOT_BLANK, { message: 'signedBy must not be blank' })
  signedBy!: string;
}

export class InspectionItemInput {
  @ApiProperty({ example: 'tyres', description: 'An item key of the template.' })
  @IsString() @MaxLength(64)
  key!: string;

  @ApiProperty({ enum: ITEM_RESULTS, example: 'pass' })
  @IsIn(ITEM_RESULTS)
  result!: ItemResult;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOmittable() @IsString() @MaxLength(1000)
  note?: string;
}

export class DamageInput {
  @ApiProperty({ example: 'Rear bumper, offside' })
  @IsString() @MaxLength(200) @Matches(NOT_BLANK, { message: 'location must not be blank' })
  location!: string;

  @ApiProperty({ example: 'Scratch, 10 cm' })
  @IsString() @MaxLength(2000) @Matches(NOT_BLANK, { message: 'description must not be blank' })
  description!: string;

  @ApiProperty({ enum: DAMAGE_SEVERITIES, example: 'minor' })
  @IsIn(DAMAGE_SEVERITIES)
  severity!: DamageSeverity;
}

export class CreateInspectionRequest {
  @ApiProperty({ format: 'uuid', example: '0b6f1c2a-4d3e-4f5a-8b9c-1d2e3f4a5b6c' }) @IsUUID()
  vehicleId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The template, by id; or give templateKey.' })
  @IsOmittable() @IsUUID()
  templateId?: string;

  @ApiPropertyOptional({ example: 'check-out', description: 'The template, by key (`check-out`, `check-in`, `damage`); or give templateId.' })
  @IsOmittable() @IsString() @MaxLength(32)
  templateKey?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOmittable() @IsInt() @Min(0) @Max(9_999_999)
  mileage?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.75, description: 'Fraction of a full tank.' })
  @IsOmittable() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  fuelLevel?: number;

  @ApiProperty({ type: [InspectionItemInput] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => InspectionItemInput)
  items!: InspectionItemInput[];

  @ApiPropertyOptional({ type: [DamageInput] })
  @IsOmittable() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => DamageInput)
  damages?: DamageInput[];

  @ApiPropertyOptional({ type: SignOffRequest, description: 'Given: the inspection is created completed.' })
  @IsOmittable() @IsObject() @ValidateNested() @Type(() => SignOffRequest)
  signOff?: SignOffRequest;
}

export class ListInspectionsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOmittable() @IsUUID()
  vehicleId?: string;

  @ApiPropertyOptional({ enum: INSPECTION_STATUSES }) @IsOmittable() @IsIn(INSPECTION_STATUSES)
  status?: InspectionStatus;
}

export class TemplateItemResponse {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
}

export class InspectionTemplateResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'check-out' }) key!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [TemplateItemResponse] }) items!: TemplateItemResponse[];

  static of(template: InspectionTemplate): InspectionTemplateResponse {
    return { id: template.id, key: template.key, name: template.name, items: template.items };
  }
}

export class InspectionTemplatePageResponse {
  @ApiProperty({ type: [InspectionTemplateResponse] }) data!: InspectionTemplateResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class InspectionItemResponse {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: ITEM_RESULTS }) result!: ItemResult;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

export class DamageResponse {
  @ApiProperty() location!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: DAMAGE_SEVERITIES }) severity!: DamageSeverity;
}

export class InspectionResponse {
  @ApiProperty() id!: string;
  @ApiProperty() vehicleId!: string;
  @ApiProperty() templateId!: string;
  @ApiProperty({ enum: INSPECTION_STATUSES }) status!: InspectionStatus;
  @ApiProperty({ type: Number, nullable: true }) mileage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) fuelLevel!: number | null;
  @ApiProperty({ type: [InspectionItemResponse] }) items!: InspectionItemResponse[];
  @ApiProperty({ type: [DamageResponse] }) damages!: DamageResponse[];
  @ApiProperty({ type: String, nullable: true }) signedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) signedOffAt!: string | null;
  @ApiProperty() createdAt!: string;

  static of(inspection: Inspection): InspectionResponse {
    return {
      id: inspection.id,
      vehicleId: inspection.vehicleId,
      templateId: inspection.templateId,
      status: inspection.status,
      mileage: inspection.mileage,
      fuelLevel: inspection.fuelLevel,
      items: inspection.items,
      damages: inspection.damages,
      signedBy: inspection.signedBy,
      signedOffAt: inspection.signedOffAt?.toISOString() ?? null,
      createdAt: inspection.createdAt.toISOString(),
    };
  }
}

export class InspectionPageResponse {
  @ApiProperty({ type: [InspectionResponse] }) data!: InspectionResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
