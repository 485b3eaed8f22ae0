import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/**
 * `GET /metrics`: prom-client's registry in Prometheus's text format. A controller of its own rather than
 * @willsoto/nestjs-prometheus, whose CommonJS build cannot load Nest 12 (ESM only) under Jest before Node 24.9.
 */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  scrape(): Promise<string> {
    return register.metrics();
  }
}
