import React, { useState } from 'react';
import { Box, Button, H2, MessageBox, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';
import { apiSend } from './api';

/** Revokes a token through DELETE tokens/:id (audited); integrations using it are refused from then on. */
export default function TokenRevoke({ record }: ActionProps) {
  const [state, setState] = useState<{ done: boolean; error: string | null }>({ done: false, error: null });
  const id = String(record?.params.id ?? '');
  const revoke = async () => {
    try {
      await apiSend('DELETE', `tokens/${id}`);
      setState({ done: true, error: null });
    } catch (failure) {
      setState({ done: false, error: (failure as Error).message });
    }
  };
  return (
    <Box p="xl" className="em-card" data-testid="token-revoke">
      <H2>Revoke “{String(record?.params.name ?? id)}”</H2>
      {state.done ? (
        <Box data-testid="token-revoked">
          <MessageBox variant="success" message="Revoked: requests with this token are refused from now on." />
        </Box>
      ) : (
        <>
          <Text mb="lg">Integrations using this token stop working at once. This cannot be undone.</Text>
          {state.error && <MessageBox variant="danger" message={state.error} />}
          <Button variant="contained" color="danger" data-testid="token-revoke-confirm" onClick={() => void revoke()}>
            Revoke token
          </Button>
        </>
      )}
    </Box>
  );
}
