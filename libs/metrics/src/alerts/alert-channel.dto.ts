import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

@ValidatorConstraint({ name: 'headerMap' })
class IsHeaderMap implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    const entries = Object.entries(value);
    return (
      entries.length <= 20 &&
      entries.every(
        ([name, header]) =>
          /^[A-Za-z0-9-]{1,64}$/.test(name) && typeof header === 'string' && /^[\x20-\x7e]{0,1000}$/.test(header),
      )
    );
  }
  defaultMessage(): string {
    return 'must map at most 20 header names (letters, digits, -) to printable strings';
  }
}

export class EmailSettingsDto {
  @ApiProperty({ example: 'smtp.example.com' })
  @IsString()
  @Matches(/^[A-Za-z0-9.-]{1,253}$/, { message: 'must be a host name or IP address' })
  host: string;

  @ApiProperty({ example: 587 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @ApiPropertyOptional({ description: 'TLS from the start (port 465); otherwise STARTTLS when offered' })
  @IsOptional()
  @IsBoolean()
  secure?: boolean;

  @ApiPropertyOptional({ example: 'alerts@example.com' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  user?: string;

  @ApiPropertyOptional({ description: 'Stored, never returned (masked)', writeOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  password?: string;

  @ApiProperty({ example: 'Exec Metrics <alerts@example.com>' })
  @IsString()
  @MaxLength(255)
  @Matches(/@/, { message: 'must be an email address, optionally with a display name' })
  from: string;

  @ApiProperty({ example: ['cto@example.com'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each recipient must be an email address' })
  to: string[];
}

export class WebhookSettingsDto {
  @ApiProperty({
    description: 'Stored, returned masked (a Slack URL is itself a secret)',
    example: 'https://hooks.example.com/x',
  })
  @IsUrl(
    { require_protocol: true, protocols: ['http', 'https'], require_tld: false },
    { message: 'must be an http or https URL' },
  )
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: ['json', 'slack'], description: 'json: {event, alert}; slack: {text, blocks}' })
  @IsIn(['json', 'slack'], { message: 'must be json or slack' })
  format: 'json' | 'slack';

  @ApiPropertyOptional({ description: 'Extra headers (e.g. Authorization); stored, returned masked' })
  @IsOptional()
  @IsObject()
  @Validate(IsHeaderMap)
  headers?: Record<string, string>;
}

/** A delivery channel: `email` needs `email` settings, `webhook` needs `webhook` settings. */
export class AlertChannelDto {
  @ApiProperty({ example: 'on-call email' })
  @Matches(/^[\w .@-]{1,100}$/, { message: 'must be 1 to 100 letters, digits, spaces or _ . @ -' })
  name: string;

  @ApiProperty({ enum: ['email', 'webhook'] })
  @IsIn(['email', 'webhook'], { message: 'must be email or webhook' })
  type: 'email' | 'webhook';

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: EmailSettingsDto })
  @ValidateIf((dto: AlertChannelDto) => dto.type === 'email' || dto.email !== undefined)
  @IsDefined({ message: 'is required for an email channel' })
  @ValidateNested()
  @Type(() => EmailSettingsDto)
  email?: EmailSettingsDto;

  @ApiPropertyOptional({ type: WebhookSettingsDto })
  @ValidateIf((dto: AlertChannelDto) => dto.type === 'webhook' || dto.webhook !== undefined)
  @IsDefined({ message: 'is required for a webhook channel' })
  @ValidateNested()
  @Type(() => WebhookSettingsDto)
  webhook?: WebhookSettingsDto;
}
