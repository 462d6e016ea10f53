import { type PipeTransform } from '@nestjs/common';
import { badRequest } from '../common/validation.js';

const CUSTOMER_ID = /^[A-Za-z0-9_.:@-]{1,255}$/;

/** A customer id in a path: Stripe's `cus_…` or a manual entry's id; anything else is a 400 naming `id`. */
export class CustomerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CUSTOMER_ID.test(value)) throw badRequest([{ field: 'id', message: 'must be a customer id' }]);
    return value;
  }
}
