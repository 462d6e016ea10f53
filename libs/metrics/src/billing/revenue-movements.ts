import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { DateRangeDto } from '../common/date-range.dto.js';
import { OptionalWholeNumber } from '../common/whole-number-param.js';

export const MOVEMENTS = ['new', 'expansion', 'reactivation', 'contraction', 'churn'] as const;
export type Movement = (typeof MOVEMENTS)[number];

/** start, end, movement, tenant?, limit?, offset?: the customers behind one bar of the MRR waterfall. */
export class RevenueMovementsQueryDto extends DateRangeDto {
  @ApiProperty({ enum: MOVEMENTS, description: 'The movement of the waterfall bar (mrr_new → new, …)' })
  @IsIn(MOVEMENTS, { message: `must be one of ${MOVEMENTS.join(', ')}` })
  movement: Movement;

  @OptionalWholeNumber({ minimum: 1, maximum: 1000, default: 100, description: 'Customers per page' })
  limit?: number;

  @OptionalWholeNumber({ minimum: 0, maximum: 10_000_000, default: 0, description: 'Customers to skip' })
  offset?: number;
}

export interface MovementCustomer {
  customer: string;
  name: string | null;
  tenant: string | null;
  /** The MRR this customer's movements of this kind added or took away in the range (reporting currency, > 0). */
  amount: number;
  /** How many local days of the range carried such a movement for this customer. */
  days: number;
  first_day: string;
  last_day: string;
}
