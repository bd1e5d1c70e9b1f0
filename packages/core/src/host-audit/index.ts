export { auditHost } from './host-audit.js';
export { makeAuditContext, type HostAuditContext, type HostAuditOptions } from './audit-context.js';
export {
  SEVERITIES,
  bySeverity,
  type AuditArea,
  type CheckResult,
  type Evidence,
  type Finding,
  type NotApplicable,
  type Severity,
} from './finding.js';
export { parseCpuList, formatCpuList } from './host-files.js';
