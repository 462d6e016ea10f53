import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';

interface Props {
  testId: string;
  title: string;
  children: React.ReactNode;
}

/** A friendly "nothing here yet" that says what to do next. */
export default function EmptyState({ testId, title, children }: Props) {
  return (
    <Box data-testid={testId} p="xl" style={{ borderRadius: 8, textAlign: 'center', background: 'var(--em-raised)' }}>
      <H4>{title}</H4>
      <Text color="grey80">{children}</Text>
    </Box>
  );
}
