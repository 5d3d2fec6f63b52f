import { Module } from '@nestjs/common';
import { ProblemsController } from './problems.controller.js';

/** `GET /problems/{slug}`: what each problem `type` means. */
@Module({ controllers: [ProblemsController] })
export class ProblemsModule {}
