import { Inject } from '@nestjs/common';
import { STRIPE_CLIENT } from '../stripe-sync.constants.js';

/** Injects the `Stripe` client the module configured. */
export const InjectStripeClient = (): ParameterDecorator => Inject(STRIPE_CLIENT);
