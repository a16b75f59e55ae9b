import { decodeReturnPathToken, tokenFromAddress, verifyReturnPath, type ReturnPathConfig } from '../domain/return-path.ts';
import type { DsnRecipient, InboundReport, LateReport, LateReportStore, Logger } from './ports.ts';

/**
 * Late bounces and complaints: a mail system accepted the message, then reported back. The report
 * names the delivery through the VERP return path it was sent to (or that it quotes); only a
 * token whose MAC verifies is believed, so nobody can suppress a reader by forging a bounce.
 */

export interface LateReportDeps {
  store: LateReportStore;
  logger: Logger;
  returnPath: ReturnPathConfig;
}

export interface ResolvedToken {
  digestId: string;
  subscriberId: string;
}

export type HandledReport =
  | { outcome: 'applied'; digestId: string; subscriberId: string; report: LateReport; delivery: string; subscriber: string }
  | { outcome: 'not-a-report'; why: string }
  | { outcome: 'unverified'; why: string };

/** The (digest, subscriber) a token was signed for, or undefined for anything not genuine. */
export async function resolveToken(deps: Pick<LateReportDeps, 'store' | 'returnPath'>, token: string): Promise<ResolvedToken | undefined> {
  const decoded = decodeReturnPathToken(token);
  if (!decoded) return undefined;
  for (const digestId of await deps.store.digestsForKey(decoded.digestKey)) {
    if (verifyReturnPath(deps.returnPath.secret, decoded, digestId)) return { digestId, subscriberId: decoded.subscriberId };
  }
  return undefined;
}

// RFC 3463: 5.1.x is the address (except 5.1.7/5.1.8, the sender's), 5.2.1 a disabled mailbox.
const MAILBOX_STATUS = /^5\.(1\.(?!7$|8$)\d{1,3}|2\.1)$/;

/** One DSN recipient block → what it means for the delivery. */
export function classifyDsnRecipient(r: DsnRecipient): LateReport['kind'] {
  if (r.action === 'delayed') return 'delayed';
  if (r.action === 'delivered' || r.action === 'relayed' || r.action === 'expanded') return 'noted';
  if (r.action !== 'failed' && r.action !== '') return 'noted';
  if (MAILBOX_STATUS.test(r.status)) return 'bounced';
  // 5.7.x policy, 5.2.2 mailbox full, 5.3.x/5.4.x system and routing, 4.x.x given up on: the
  // message did not arrive, but the address is not known to be bad. Never suppress on these.
  if (r.action === 'failed' || r.status.startsWith('5.')) return 'failed';
  return r.status.startsWith('4.') ? 'delayed' : 'noted';
}

const SEVERITY: LateReport['kind'][] = ['noted', 'delayed', 'failed', 'bounced'];

export function lateReportOf(report: Exclude<InboundReport, { kind: 'none' }>): LateReport {
  if (report.kind === 'arf') {
    // Only an abuse report is a complaint; not-spam, virus, fraud and other are kept for the record.
    return { kind: report.feedbackType === 'abuse' ? 'complained' : 'noted', reason: `feedback report (ARF): ${report.feedbackType}` };
  }
  // One VERP address per message, so every block is about the same reader; the worst one counts.
  let worst = report.recipients[0]!;
  for (const r of report.recipients) {
    if (SEVERITY.indexOf(classifyDsnRecipient(r)) > SEVERITY.indexOf(classifyDsnRecipient(worst))) worst = r;
  }
  const kind = classifyDsnRecipient(worst);
  const detail = [worst.status || 'no status', worst.diagnostic].filter(Boolean).join(' ');
  return { kind, reason: `late DSN, action ${worst.action || 'unknown'}: ${detail}` };
}

/**
 * Applies one inbound message. `rcptTokens` are the tokens in the addresses it was sent to (the
 * DSN path); a report sent to the plain address (feedback loops) is matched through the return
 * path it quotes instead.
 */
export async function handleInboundReport(deps: LateReportDeps, input: { rcptTokens: string[]; report: InboundReport }): Promise<HandledReport> {
  const { report } = input;
  if (report.kind === 'none') return { outcome: 'not-a-report', why: report.why };
  const quoted = report.addresses.flatMap((a) => tokenFromAddress(deps.returnPath, a) ?? []);
  let target: ResolvedToken | undefined;
  for (const token of [...input.rcptTokens, ...quoted].slice(0, 10)) {
    target = await resolveToken(deps, token);
    if (target) break;
  }
  if (!target) return { outcome: 'unverified', why: 'the report names no message sent by this list (no valid return-path token)' };
  const late = lateReportOf(report);
  const applied = await deps.store.applyLateReport(target.digestId, target.subscriberId, late);
  deps.logger.info({ digestId: target.digestId, subscriberId: target.subscriberId, kind: late.kind, ...applied }, 'delivery.late_report');
  return { outcome: 'applied', ...target, report: late, ...applied };
}
