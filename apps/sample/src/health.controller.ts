import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { StripeSyncHealthIndicator } from 'nestjs-stripe-sync/health';

/** `GET /health`: public, no secrets; down when the Stripe mirror is stale. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly stripeSync: StripeSyncHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.stripeSync.isHealthy()]);
  }
}
