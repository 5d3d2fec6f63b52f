import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../../platform/http/pagination/page-query.dto.js';
import { isUkRegistration, isVin, normaliseRegistration, normaliseVin } from '../registration.js';
import { LOOKUP_STATUSES, type LookupStatus, type Vehicle } from '../vehicle.entity.js';
import type { StoredVehicle } from '../vehicles.repository.js';
import { compactJsonbText } from '../../platform/database/jsonb-text.js';
import { asJsonText, type JsonText } from '../../platform/http/json-text.js';
import type { DvlaVehicleData, MotTest } from '../lookup/vehicle-data.js';
import { Satisfies, trimString, whenString, IsOmittable, MaxLength } from '../../platform/validation/validators.js';

const REGISTRATION_MESSAGE = 'must be a UK registration (e.g. AB12CDE, A123BCD, ABC123D, ABZ1234, 1234AB)';
const VIN_MESSAGE = 'must be 17 letters and digits without I, O or Q';
const registration = ({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseRegistration(value) : value);
const vin = ({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseVin(value) : value);
const presentOrNull = (_: object, value: unknown) => value !== undefined;

/** POST and PUT: PUT replaces every field, so an omitted optional field becomes null. */
export class CreateVehicleRequest {
  @ApiProperty({ example: 'AB12 CDE', description: 'UK registration; normalised to upper case without spaces.' })
  @Transform(registration) @IsString() @Satisfies('ukRegistration', whenString(isUkRegistration), REGISTRATION_MESSAGE)
  registration!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'WF0EXXGBBE8Y12345' })
  @IsOptional() @Transform(vin) @IsString() @Satisfies('vin', whenString(isVin), VIN_MESSAGE)
  vin?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Blue Transit', maxLength: 100 })
  @IsOptional() @Transform(trimString) @IsString() @MinLength(1) @MaxLength(100)
  nickname?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 42_000, minimum: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(2_000_000)
  mileage?: number | null;
}

/** PATCH: only the given fields change; `null` clears vin, nickname or mileage. */
export class UpdateVehicleRequest extends CreateVehicleRequest {
  @ApiPropertyOptional({ example: 'AB12 CDE' })
  @ValidateIf(presentOrNull)
  declare registration: string;
}

export class ListVehiclesQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Exact registration (spaces and case ignored).' })
  @IsOmittable() @Transform(registration) @IsString() @MaxLength(16)
  registration?: string;

  @ApiPropertyOptional({ description: 'Include archived vehicles (hidden by default).', default: false })
  @IsOmittable() @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  includeArchived?: boolean;
}

export class DvlaDataResponse {
  @ApiProperty() registrationNumber!: string;
  @ApiProperty({ type: String, nullable: true }) make!: string | null;
  @ApiProperty({ type: String, nullable: true }) colour!: string | null;
  @ApiProperty({ type: String, nullable: true }) fuelType!: string | null;
  @ApiProperty({ type: Number, nullable: true }) yearOfManufacture!: number | null;
  @ApiProperty({ type: Number, nullable: true }) engineCapacity!: number | null;
  @ApiProperty({ type: Number, nullable: true }) co2Emissions!: number | null;
  @ApiProperty({ type: String, nullable: true }) taxStatus!: string | null;
  @ApiProperty({ type: String, nullable: true }) taxDueDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) motStatus!: string | null;
  @ApiProperty({ type: String, nullable: true }) motExpiryDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) monthOfFirstRegistration!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) markedForExport!: boolean | null;
  @ApiProperty({ type: String, nullable: true }) typeApproval!: string | null;
  @ApiProperty({ type: String, nullable: true }) wheelplan!: string | null;
  @ApiProperty({ type: String, nullable: true }) euroStatus!: string | null;
  @ApiProperty({ type: Number, nullable: true }) revenueWeight!: number | null;
  @ApiProperty({ type: String, nullable: true }) dateOfLastV5CIssued!: string | null;
}

export class MotDefectResponse {
  @ApiProperty() text!: string;
  @ApiProperty({ example: 'ADVISORY' }) type!: string;
  @ApiProperty() dangerous!: boolean;
}

export class MotTestResponse {
  @ApiProperty() completedDate!: string;
  @ApiProperty({ example: 'PASSED' }) testResult!: string;
  @ApiProperty({ type: Number, nullable: true }) odometerValue!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'MI' }) odometerUnit!: string | null;
  @ApiProperty({ type: String, nullable: true }) expiryDate!: string | null;
  @ApiProperty({ type: String, nullable: true }) motTestNumber!: string | null;
  @ApiProperty({ type: [MotDefectResponse] }) defects!: MotDefectResponse[];
}

export class VehicleResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'AB12CDE' }) registration!: string;
  @ApiProperty({ type: String, nullable: true }) vin!: string | null;
  @ApiProperty({ type: String, nullable: true }) nickname!: string | null;
  @ApiProperty({ type: Number, nullable: true }) mileage!: number | null;
  @ApiProperty({ enum: LOOKUP_STATUSES, description: 'pending: the DVLA/MOT lookup is retried in the background.' })
  lookupStatus!: LookupStatus;
  @ApiProperty({ type: DvlaDataResponse, nullable: true }) dvla!: DvlaVehicleData | null;
  @ApiProperty({ type: [MotTestResponse], description: 'Newest first.' }) motTests!: MotTest[];
  @ApiProperty({ type: String, nullable: true, description: 'When DVLA/MOT data was last fetched.' }) lookedUpAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) archivedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(vehicle: Vehicle): VehicleResponse {
    return {
      id: vehicle.id,
      registration: vehicle.registration,
      vin: vehicle.vin,
      nickname: vehicle.nickname,
      mileage: vehicle.mileage,
      lookupStatus: vehicle.lookupStatus,
      dvla: vehicle.dvla,
      motTests: vehicle.motTests,
      lookedUpAt: vehicle.lookedUpAt?.toISOString() ?? null,
      archivedAt: vehicle.archivedAt?.toISOString() ?? null,
      createdAt: vehicle.createdAt.toISOString(),
      updatedAt: vehicle.updatedAt.toISOString(),
    };
  }

  /** `JSON.stringify(of(vehicle))`, byte for byte, with the stored DVLA and MOT JSON passed through unparsed. */
  static json(vehicle: StoredVehicle): JsonText {
    const text = JSON.stringify;
    const time = (iso: string | null) => (iso === null ? 'null' : `"${iso}"`);
    return asJsonText(
      `{"id":${text(vehicle.id)},"registration":${text(vehicle.registration)},"vin":${text(vehicle.vin)},"nickname":${text(vehicle.nickname)},` +
        `"mileage":${text(vehicle.mileage)},"lookupStatus":${text(vehicle.lookup_status)},` +
        `"dvla":${vehicle.dvla === null ? 'null' : compactJsonbText(vehicle.dvla)},"motTests":${compactJsonbText(vehicle.mot_tests)},` +
        `"lookedUpAt":${time(vehicle.looked_up_at)},"archivedAt":${time(vehicle.archived_at)},"createdAt":${time(vehicle.created_at)},"updatedAt":${time(vehicle.updated_at)}}`,
    );
  }
}
