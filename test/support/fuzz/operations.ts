/**
 * The operations of an OpenAPI 3 document, each with the inputs a fuzzer can aim at: path, query and header
 * parameters, and every field of the JSON body (nested objects and the first item of arrays of objects, as
 * dotted paths such as `events.0.at` or `webhook.url`).
 */
export interface SchemaObject {
  $ref?: string;
  type?: string;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  required?: string[];
  enum?: unknown[];
}

export interface FuzzTarget {
  in: 'path' | 'query' | 'header' | 'body';
  /** Parameter name, or the dotted path of a body field. */
  name: string;
  required: boolean;
}

export interface FuzzOperation {
  method: string;
  /** OpenAPI path with `{id}` placeholders. */
  path: string;
  /** `METHOD /path` as written in the document. */
  key: string;
  targets: FuzzTarget[];
  hasBody: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}

function resolve(document: OpenApiDocument, schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema?.$ref) return schema;
  return document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
}

/** Every field of a body schema as a dotted path, depth first; arrays of objects are entered at item 0. */
function bodyFields(document: OpenApiDocument, schema: SchemaObject | undefined, prefix = '', depth = 0): FuzzTarget[] {
  const resolved = resolve(document, schema);
  if (!resolved?.properties || depth > 4) return [];
  return Object.entries(resolved.properties).flatMap(([name, child]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const own: FuzzTarget = { in: 'body', name: path, required: resolved.required?.includes(name) ?? false };
    const inner = resolve(document, child);
    const nested =
      inner?.type === 'array' && resolve(document, inner.items)?.properties
        ? bodyFields(document, inner.items, `${path}.0`, depth + 1)
        : bodyFields(document, inner, path, depth + 1);
    return [own, ...nested];
  });
}

export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []).map((parameter): FuzzTarget => ({
        in: parameter.in as FuzzTarget['in'],
        name: parameter.name,
        required: parameter.required ?? false,
      }));
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        targets: [...parameters, ...bodyFields(document, schema)],
        hasBody: operation.requestBody !== undefined,
      };
    }),
  );
}
