import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@app/auth';
import { ZodValidationPipe } from '@app/common';
import { activityIdSchema } from '@app/contracts';
import { ReadLimitGuard } from '../risk/read-limit.guard';
import { ActivitiesService, ActivityView } from './activities.service';
import { CreateActivityDto, createActivitySchema } from './create-activity.dto';
import { UpdateActivityDto, updateActivitySchema } from './update-activity.dto';

@Controller('api/activities')
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(AdminGuard)
  create(
    @Body(new ZodValidationPipe(createActivitySchema, 'activity')) dto: CreateActivityDto,
  ): Promise<ActivityView> {
    return this.activities.create(dto);
  }

  /** Top up the stock (a new, larger total) and/or end the sale now. */
  @Patch(':id')
  @UseGuards(AdminGuard)
  update(
    @Param('id', new ZodValidationPipe(activityIdSchema, 'activity id')) id: number,
    @Body(new ZodValidationPipe(updateActivitySchema, 'activity update')) dto: UpdateActivityDto,
  ): Promise<ActivityView> {
    return this.activities.update(id, dto);
  }

  @Get(':id')
  @UseGuards(ReadLimitGuard)
  get(
    @Param('id', new ZodValidationPipe(activityIdSchema, 'activity id')) id: number,
  ): Promise<ActivityView> {
    return this.activities.get(id);
  }
}
