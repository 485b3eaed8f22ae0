import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at `/docs` and the OpenAPI document at `/docs-json`: the mirror's routes describe themselves. */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Stripe mirror')
    .setDescription('The admin routes of nestjs-stripe-sync (bearer token: ADMIN_TOKEN) and its webhook endpoint')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}
