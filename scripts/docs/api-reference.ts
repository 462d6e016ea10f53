import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { cell, code, generatedNotice } from './markdown.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Route {
  method: (typeof METHODS)[number];
  path: string;
  operation: OperationObject;
}

function isReference(value: object): value is ReferenceObject {
  return '$ref' in value;
}

/** Follows `#/components/...` references; the document's own, so an unknown one is a broken document. */
function resolve<T extends object>(document: OpenAPIObject, value: T | ReferenceObject): T {
  if (!isReference(value)) return value;
  const target = value.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
  if (!target) throw new Error(`OpenAPI document: unresolved reference ${value.$ref}`);
  return target as T;
}

function refName(value: SchemaObject | ReferenceObject): string | undefined {
  return isReference(value) ? value.$ref.split('/').pop() : undefined;
}

/** A schema in a few words: type, format, allowed values, default. */
function typeOf(document: OpenAPIObject, schema: SchemaObject | ReferenceObject | undefined): string {
  if (!schema) return '';
  const name = refName(schema);
  if (name) return name;
  const resolved = resolve(document, schema);
  if (resolved.oneOf) return resolved.oneOf.map((option) => typeOf(document, option)).join(' or ');
  let type = String(resolved.type ?? 'object');
  if (type === 'array' && resolved.items) type = `${typeOf(document, resolved.items)}[]`;
  if (resolved.format) type += ` (${resolved.format})`;
  if (resolved.enum) type = resolved.enum.map((value) => String(value)).join(' | ');
  if (resolved.nullable) type += ', nullable';
  if (resolved.default !== undefined) type += `, default ${JSON.stringify(resolved.default)}`;
  return type;
}

interface Field {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

/** A body's fields, nested objects and arrays of objects as `parent.child` / `parent[].child` (a few levels). */
function fields(document: OpenAPIObject, schema: SchemaObject | ReferenceObject, prefix = '', depth = 0): Field[] {
  const resolved = resolve(document, schema);
  const required = new Set(resolved.required ?? []);
  return Object.entries(resolved.properties ?? {}).flatMap(([name, property]) => {
    const target = resolve(document, property);
    const field: Field = {
      name: `${prefix}${name}`,
      type: typeOf(document, property),
      required: required.has(name),
      description: target.description ?? '',
    };
    if (depth >= 2) return [field];
    if (target.properties) return [field, ...fields(document, target, `${field.name}.`, depth + 1)];
    const items = target.type === 'array' && target.items ? resolve(document, target.items) : undefined;
    if (items?.properties) return [field, ...fields(document, items, `${field.name}[].`, depth + 1)];
    return [field];
  });
}

function parametersTable(document: OpenAPIObject, operation: OperationObject): string[] {
  const parameters = (operation.parameters ?? []).map((parameter) => resolve<ParameterObject>(document, parameter));
  if (parameters.length === 0) return [];
  return [
    '',
    '| parameter | in | required | type | description |',
    '| --- | --- | --- | --- | --- |',
    ...parameters.map(
      (parameter) =>
        `| ${[
          code(parameter.name),
          parameter.in,
          parameter.required ? 'yes' : 'no',
          typeOf(document, parameter.schema),
          parameter.description ?? '',
        ]
          .map(cell)
          .join(' | ')} |`,
    ),
  ];
}

function bodyTable(document: OpenAPIObject, operation: OperationObject): string[] {
  if (!operation.requestBody) return [];
  const body = resolve<RequestBodyObject>(document, operation.requestBody);
  return Object.entries(body.content).flatMap(([mediaType, media]) => {
    if (!media.schema) return [];
    const name = refName(media.schema);
    const rows = fields(document, media.schema);
    return [
      '',
      `Body (${code(mediaType)}${name ? `, ${code(name)}` : ''}${body.required ? ', required' : ''}):`,
      ...(rows.length === 0
        ? []
        : [
            '',
            '| field | type | required | description |',
            '| --- | --- | --- | --- |',
            ...rows.map(
              (row) =>
                `| ${[code(row.name), row.type, row.required ? 'yes' : 'no', row.description].map(cell).join(' | ')} |`,
            ),
          ]),
    ];
  });
}

function responsesLine(document: OpenAPIObject, operation: OperationObject): string {
  const entries = Object.entries(operation.responses)
    .filter((entry): entry is [string, ResponseObject | ReferenceObject] => entry[1] !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  const answers = entries.map(([status, response]) => {
    const description = resolve<ResponseObject>(document, response).description;
    return description ? `${code(status)} ${cell(description)}` : code(status);
  });
  return `Answers: ${answers.join('; ')}.`;
}

function auth(document: OpenAPIObject, operation: OperationObject): string {
  const requirements = operation.security ?? document.security ?? [];
  const schemes = requirements.flatMap((requirement) => Object.keys(requirement));
  return schemes.length > 0 ? schemes.map(code).join(', ') : 'none in the document';
}

function routes(document: OpenAPIObject): Route[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      METHODS.flatMap((method) => (item[method] ? [{ method, path, operation: item[method] }] : [])),
    )
    .sort((a, b) => a.path.localeCompare(b.path) || METHODS.indexOf(a.method) - METHODS.indexOf(b.method));
}

function tagOf(route: Route): string {
  return route.operation.tags?.[0] ?? 'untagged';
}

function title(route: Route): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

/** The anchor GitHub and most renderers give a heading: lower case, punctuation dropped, spaces as dashes. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

/**
 * docs/reference/api.md: every operation of the OpenAPI document, sorted by tag, then path and method, with its
 * parameters, body fields, answers and security requirement.
 */
export function renderApiReference(document: OpenAPIObject): string {
  const all = routes(document);
  const tags = [...new Set(all.map(tagOf))].sort();
  const lines = [
    '# API reference',
    '',
    generatedNotice('the OpenAPI document the library builds (`setupMetricsOpenApi`)'),
    '',
    `${all.length} operations, for a host with the default route prefix and the Prometheus route switched on. ` +
      'Who may call what, and the conventions every route shares: [API](../api.md).',
    '',
    '| group | route | summary | auth |',
    '| --- | --- | --- | --- |',
    ...tags.flatMap((tag) =>
      all
        .filter((route) => tagOf(route) === tag)
        .map(
          (route) =>
            `| ${cell(tag)} | [${cell(title(route))}](#${anchor(title(route))}) | ${cell(route.operation.summary ?? '')} | ${auth(document, route.operation)} |`,
        ),
    ),
  ];
  for (const tag of tags) {
    lines.push('', `## ${tag}`);
    for (const route of all.filter((candidate) => tagOf(candidate) === tag)) {
      lines.push(
        '',
        `### ${title(route)}`,
        '',
        ...(route.operation.summary ? [cell(route.operation.summary), ''] : []),
        `Auth: ${auth(document, route.operation)}.`,
        ...parametersTable(document, route.operation),
        ...bodyTable(document, route.operation),
        '',
        responsesLine(document, route.operation),
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}
