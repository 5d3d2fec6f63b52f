import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsString, registerDecorator, validate, ValidateNested } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { cacheValidationMetadata } from '../../src/platform/http/validation-metadata-cache.js';

class Item {
  @IsString()
  key!: string;
}

class Body {
  @IsInt()
  count!: number;

  @ValidateNested({ each: true })
  @Type(() => Item)
  items!: Item[];
}

const failedFields = async (body: object, dto: new () => object = Body) =>
  (await validate(plainToInstance(dto, body), { whitelist: true, forbidNonWhitelisted: true })).map((error) => error.property).sort();

describe(cacheValidationMetadata.name, () => {
  cacheValidationMetadata();
  cacheValidationMetadata(); // installed once, however often it is called

  it('validates nested DTOs by the same rules, lookup after lookup', async () => {
    for (let round = 0; round < 3; round += 1) {
      expect(await failedFields({ count: 1, items: [{ key: 'a' }] })).toEqual([]);
      expect(await failedFields({ count: 'one', items: [{ key: 2 }], extra: true })).toEqual(['count', 'extra', 'items']);
    }
  });

  it('sees the rules of a class defined after it was installed, and of a subclass', async () => {
    class Later {
      @IsString()
      name!: string;
    }
    class LaterStill extends Later {
      @IsInt()
      size!: number;
    }
    expect(await failedFields({ name: 3 }, Later)).toEqual(['name']);
    expect(await failedFields({ name: 3, size: 'big' }, LaterStill)).toEqual(['name', 'size']);
  });

  it('drops what it kept when a rule is registered later, so it never hides one', async () => {
    class Patched {
      @IsString()
      name!: string;
    }
    expect(await failedFields({ name: 'x' }, Patched)).toEqual([]);
    registerDecorator({ target: Patched, propertyName: 'name', validator: { validate: (value: unknown) => value !== 'x' } });
    expect(await failedFields({ name: 'x' }, Patched)).toEqual(['name']);
  });
});
