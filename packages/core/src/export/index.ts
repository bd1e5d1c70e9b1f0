export {
  pushHistogramSamples,
  registerPromCollector,
  type PromCollectorSpec,
  type PromMetricType,
  type PromSample,
} from './prometheus-collector.js';
