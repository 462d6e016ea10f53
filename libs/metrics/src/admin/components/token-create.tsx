import React, { useState } from 'react';
import { Box, Button, H2, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { apiSend } from './api';

interface Created {
  id: string;
  name: string;
  scope: string;
  token: string;
}

/** Creates an integration token through POST tokens (hashed, audited) and shows it this one time. */
export default function TokenCreate() {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'admin' | 'ingest'>('ingest');
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      setCreated(await apiSend<Created>('POST', 'tokens', { name, scope }));
      setError(null);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };

  if (created) {
    return (
      <Box p="xl" className="em-card" data-testid="token-created">
        <H2>Token “{created.name}” created</H2>
        <MessageBox
          variant="warning"
          message="Copy it now: it is stored only as a hash and will never be shown again."
        />
        <Box mt="lg" p="lg" bg="grey20">
          <code data-testid="token-value" style={{ wordBreak: 'break-all' }}>
            {created.token}
          </code>
        </Box>
        <Text mt="lg">
          Scope: {created.scope}. Send it as <code>Authorization: Bearer …</code>.
        </Text>
      </Box>
    );
  }
  return (
    <Box as="form" p="xl" className="em-card" onSubmit={create} data-testid="token-form">
      <H2>New integration token</H2>
      {error && (
        <Box data-testid="token-error" mb="lg">
          <MessageBox variant="danger" message={error} />
        </Box>
      )}
      <Box mb="lg">
        <Label htmlFor="token-name">Name</Label>
        <Input
          id="token-name"
          data-testid="token-name"
          value={name}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)}
        />
      </Box>
      <Box mb="lg">
        <Label htmlFor="token-scope">Scope</Label>
        <select
          id="token-scope"
          data-testid="token-scope"
          value={scope}
          onChange={(e) => setScope(e.target.value as 'admin' | 'ingest')}
        >
          <option value="ingest">ingest (may only post events)</option>
          <option value="admin">admin (reads, configuration, runs)</option>
        </select>
      </Box>
      <Button type="submit" variant="contained" data-testid="token-submit">
        Create token
      </Button>
    </Box>
  );
}
