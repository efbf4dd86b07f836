import { Body, Controller, Get, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ZodValidationPipe, notFound } from '@app/common';
import { ApiKeyGuard } from '../api-key.guard';
import { NO_FAULTS, Switches, TestSwitches, switchesSchema } from './test-switches';

/** The test switches, with the API key, only when PAYMENT_PROVIDER_TEST_SWITCHES=on (else 404). */
@Controller('v1/test/switches')
@UseGuards(ApiKeyGuard)
export class TestSwitchesController {
  constructor(
    private readonly switches: TestSwitches,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  get(): Switches {
    this.enabled();
    return this.switches.value;
  }

  /** Changes the named switches; `{ "reset": true }`-like use: send NO_FAULTS' values. */
  @Post()
  @HttpCode(200)
  set(
    @Body(new ZodValidationPipe(switchesSchema.partial(), 'switches')) change: Partial<Switches>,
  ): Switches {
    this.enabled();
    return this.switches.set(change);
  }

  @Post('reset')
  @HttpCode(200)
  reset(): Switches {
    this.enabled();
    return this.switches.set(NO_FAULTS);
  }

  private enabled(): void {
    if (this.config.PAYMENT_PROVIDER_TEST_SWITCHES !== 'on') throw notFound('test switches');
  }
}
