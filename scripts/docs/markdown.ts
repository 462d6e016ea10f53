/** Small Markdown helpers shared by the generated reference pages. */

/** A table cell: one line, and a `|` that would end the cell escaped. */
export function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** Inline code (these values never contain a backtick). */
export function code(text: string): string {
  return `\`${text}\``;
}

/** The line that opens every generated page: where it comes from, and that editing it by hand is pointless. */
export function generatedNotice(source: string): string {
  return (
    `_Generated from ${source} by \`npm run docs:generate\`; \`npm run lint\` fails when it is stale. ` +
    'Do not edit by hand: change the source and regenerate._'
  );
}
