/**
 * The alert rules anomaly-detect evaluates, as a catalog it reads on every decision. The topology
 * library has no GlobalKTable: alert-rules-table.ts fills a catalog from the compacted topic; tests
 * use the in-memory one.
 */
import type { AlertRule } from '../../schemas/log-schemas.js';

/** The current rules; `rules()` is called on every window and punctuation, so it must be cheap. */
export interface AlertRuleCatalog {
  /** The current table content: the latest version of every rule that was not deleted. */
  rules(): readonly AlertRule[];
}

/** An in-memory catalog whose content the caller sets (tests, tools). */
export class InMemoryRuleCatalog implements AlertRuleCatalog {
  private readonly byId = new Map<string, AlertRule>();
  private snapshot: readonly AlertRule[] = [];

  constructor(rules: readonly AlertRule[] = []) {
    for (const rule of rules) this.byId.set(rule.id, rule);
    this.refresh();
  }

  rules(): readonly AlertRule[] {
    return this.snapshot;
  }

  /** Adds or replaces the rule with `rule.id`. */
  put(rule: AlertRule): void {
    this.byId.set(rule.id, rule);
    this.refresh();
  }

  /** Deletes the rule `id` (as a tombstone would). */
  delete(id: string): void {
    this.byId.delete(id);
    this.refresh();
  }

  private refresh(): void {
    this.snapshot = [...this.byId.values()];
  }
}
