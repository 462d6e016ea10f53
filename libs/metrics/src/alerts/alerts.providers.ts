import { AlertChannelsService } from './alert-channels.service.js';
import { AlertDeliveryWorker } from './alert-delivery.worker.js';
import { AlertEvaluator } from './alert-evaluator.service.js';
import { AlertLifecycleService } from './alert-lifecycle.service.js';
import { AlertRulesService } from './alert-rules.service.js';
import { AlertsService } from './alerts.service.js';

export { AlertsController } from './alerts.controller.js';

/** Everything the alerts need, for the module's wiring. */
export const ALERT_PROVIDERS = [
  AlertEvaluator,
  AlertLifecycleService,
  AlertDeliveryWorker,
  AlertChannelsService,
  AlertRulesService,
  AlertsService,
];
