// AdminJS sizes list columns by their content and wraps a number such as "2.00" one character per line when the
// table is wide. The module's own list cells do not wrap (the list scrolls sideways instead); a host's resources
// keep AdminJS's default. Added when the components bundle loads, before the first list is drawn.
const RESOURCES = [
  'MetricsSnapshot',
  'MetricsConfigEntity',
  'CohortRetention',
  'MetricsRun',
  'ActivationEvent',
  'MetricsAuditLog',
  'MetricsApiToken',
  'MetricsAlert',
  'MetricsAlertDelivery',
  'MetricsAlertRule',
];

export function addPanelStyle(doc: Document | undefined = globalThis.document): void {
  if (!doc || doc.getElementById('exec-metrics-style')) return;
  const style = doc.createElement('style');
  style.id = 'exec-metrics-style';
  style.textContent = RESOURCES.map(
    (resource) => `td[data-css^="${resource}-"][data-css$="-table-cell"], th[data-css^="${resource}-"]`,
  )
    .join(',\n')
    .concat(' { white-space: nowrap; }');
  doc.head.appendChild(style);
}

addPanelStyle();
