export { DeadlineTimer } from './deadline-timer.js';
export { ORDER_OUTCOMES, type OrderOutcome, type OrderRoute, type RouteSendResult } from './order-outcome.js';
export {
  OrderRouter,
  type BreakerState,
  type FailoverReason,
  type OrderRouterOptions,
  type RoutedSendResult,
  type RouterLogLine,
} from './order-router.js';
