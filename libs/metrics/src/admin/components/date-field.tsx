import React from 'react';
import { Box, Input, Label } from '@adminjs/design-system';

/** A labelled date input (YYYY-MM-DD); `id` is also its test id. */
export default function DateField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Box>
      <Label htmlFor={props.id}>{props.label}</Label>
      <Input
        id={props.id}
        type="date"
        data-testid={props.id}
        value={props.value}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => props.onChange(e.target.value)}
      />
    </Box>
  );
}
