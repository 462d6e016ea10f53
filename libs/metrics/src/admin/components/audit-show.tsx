import React from 'react';
import { Box, H3, H4, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { flatten } from './json-rows';

interface Props {
  record?: { params: Record<string, unknown> };
}

const FIELDS: [string, string][] = [
  ['at', 'When'],
  ['actor', 'Who'],
  ['actor_kind', 'Signed in as'],
  ['ip', 'From'],
  ['method', 'Method'],
  ['route', 'Route'],
  ['action', 'Action'],
  ['outcome', 'Outcome (HTTP status)'],
];

const shown = (value: unknown) =>
  value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** One audit record: who did what, then its parameters and its before/after changes as tables (not JSON boxes). */
export default function AuditShow({ record }: Props) {
  const params = record?.params ?? {};
  const parameters = flatten(params, 'params');
  const changes = new Map<string, { before?: unknown; after?: unknown }>();
  for (const [path, value] of flatten(params, 'changes')) {
    const side = path.endsWith('.before') ? 'before' : path.endsWith('.after') ? 'after' : null;
    if (!side) continue;
    const field = path.slice(0, -side.length - 1);
    changes.set(field, { ...changes.get(field), [side]: value });
  }
  return (
    <Box variant="white" p={['lg', 'xl']} data-testid="audit-record">
      <H3>Audit record {shown(params.id)}</H3>
      {/* em-pairs: on a phone each field's name stands above its value (theme.ts). */}
      <Table mb="xl" className="em-pairs">
        <TableBody>
          {FIELDS.map(([key, label]) => (
            <TableRow key={key}>
              <TableCell style={{ width: 200 }}>
                <Text fontWeight="bold">{label}</Text>
              </TableCell>
              <TableCell data-testid={`audit-${key}`}>{shown(params[key])}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <H4>Parameters</H4>
      {parameters.length === 0 ? (
        <Text mb="xl">None.</Text>
      ) : (
        <Table mb="xl" data-testid="audit-params">
          <TableHead>
            <TableRow>
              <TableCell>Parameter</TableCell>
              <TableCell>Value</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {parameters.map(([key, value]) => (
              <TableRow key={key} data-testid={`audit-param-${key}`}>
                <TableCell>{key}</TableCell>
                <TableCell>{shown(value)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <H4>Changes</H4>
      {changes.size === 0 ? (
        <Text>No change recorded.</Text>
      ) : (
        <Table data-testid="audit-changes">
          <TableHead>
            <TableRow>
              <TableCell>Field</TableCell>
              <TableCell>Before</TableCell>
              <TableCell>After</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {[...changes].map(([field, change]) => (
              <TableRow key={field} data-testid={`audit-change-${field}`}>
                <TableCell>{field}</TableCell>
                <TableCell data-testid={`audit-change-${field}-before`}>{shown(change.before)}</TableCell>
                <TableCell data-testid={`audit-change-${field}-after`}>{shown(change.after)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
