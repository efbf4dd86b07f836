import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AdminGuard } from '@app/auth';
import { ZodValidationPipe } from '@app/http';
import { ActivitiesService, ActivityView } from './activities.service';
import { CreateActivityDto, activityIdSchema, createActivitySchema } from './create-activity.dto';

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

  @Get(':id')
  get(
    @Param('id', new ZodValidationPipe(activityIdSchema, 'activity id')) id: number,
  ): Promise<ActivityView> {
    return this.activities.get(id);
  }
}
