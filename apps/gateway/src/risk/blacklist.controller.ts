import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@app/auth';
import { ZodValidationPipe, notFound } from '@app/common';
import { BlacklistEntry } from './blacklist';
import { BlacklistStore } from './blacklist.store';
import {
  AddToBlacklistDto,
  BlacklistTarget,
  addToBlacklistSchema,
  blacklistTargetSchema,
} from './blacklist.dto';

/**
 * Blacklist management. A change is in PostgreSQL (the record) and in Redis's copy when the call returns,
 * and every gateway instance refuses (403 BLOCKED) the user or IP within milliseconds (pub/sub), at worst
 * after RISK_REFRESH_INTERVAL_MS. The list is PostgreSQL's.
 */
@Controller('api/admin/blacklist')
@UseGuards(AdminGuard)
export class BlacklistController {
  constructor(private readonly blacklist: BlacklistStore) {}

  @Post()
  @HttpCode(201)
  add(
    @Body(new ZodValidationPipe(addToBlacklistSchema, 'blacklist entry')) dto: AddToBlacklistDto,
  ): Promise<BlacklistEntry> {
    return this.blacklist.add(dto.kind, dto.value, dto.reason);
  }

  @Get()
  async list(): Promise<{ entries: BlacklistEntry[] }> {
    return { entries: (await this.blacklist.snapshot()).entries };
  }

  @Delete(':kind/:value')
  @HttpCode(204)
  async remove(
    @Param(new ZodValidationPipe(blacklistTargetSchema, 'blacklist entry')) target: BlacklistTarget,
  ): Promise<void> {
    if (!(await this.blacklist.remove(target.kind, target.value))) {
      throw notFound(`blacklist entry ${target.kind} ${target.value}`);
    }
  }
}
