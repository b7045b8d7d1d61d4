/**
 * BranchedKStream: the builder returned by `KStream#split()`. Each `branch` adds a named branch; the
 * record goes to the FIRST branch whose predicate holds; `defaultBranch` catches the rest. The
 * result maps each branch name (typed) to its stream.
 */
import { BranchProcessor, type BranchTarget } from '../operators/branch.js';
import { PassThroughProcessor } from '../operators/pass-through.js';
import { InvalidTopologyError } from '../errors.js';
import { KStream } from './kstream.js';
import { erase, type StreamState } from './stream-state.js';

/** Branch names declared so far (`Names`) and the split under construction. */
export class BranchedKStream<K, V, Names extends string> {
  private readonly targets: BranchTarget<K, V>[] = [];
  private readonly streams = new Map<string, KStream<K, V>>();
  private defaultChild: string | undefined;
  private done = false;

  /** @internal Use `KStream#split`. */
  constructor(
    private readonly parent: StreamState<K, V>,
    private readonly nodeName: string,
  ) {
    const targets = this.targets;
    parent.builder.addProcessor(nodeName, erase(() => new BranchProcessor<K, V>(targets, () => this.defaultChild)), [parent.nodeName]);
  }

  /** Adds the branch `name` taking the records, not taken by an earlier branch, for which `predicate` holds. */
  branch<N extends string>(predicate: (key: K, value: V) => boolean, branched: { name: N }): BranchedKStream<K, V, Names | N> {
    const child = this.addChild(branched.name);
    this.targets.push({ predicate, child });
    return this as unknown as BranchedKStream<K, V, Names | N>;
  }

  /** Ends the split with a branch (default name `default`) for records no predicate took; returns the branches by name. */
  defaultBranch<N extends string = 'default'>(branched?: { name: N }): { readonly [P in Names | N]: KStream<K, V> } {
    this.defaultChild = this.addChild(branched?.name ?? 'default');
    return this.finish() as { readonly [P in Names | N]: KStream<K, V> };
  }

  /** Ends the split: records no predicate took are dropped; returns the branches by name. */
  noDefaultBranch(): { readonly [P in Names]: KStream<K, V> } {
    return this.finish() as { readonly [P in Names]: KStream<K, V> };
  }

  private addChild(branchName: string): string {
    if (this.done) throw new InvalidTopologyError(`split ${this.nodeName} is already finished`);
    if (this.streams.has(branchName)) throw new InvalidTopologyError(`split ${this.nodeName}: branch ${JSON.stringify(branchName)} declared twice`);
    const child = `${this.nodeName}-${branchName}`;
    const { builder } = this.parent;
    builder.addProcessor(child, erase(() => new PassThroughProcessor<K, V>()), [this.nodeName]);
    this.streams.set(branchName, new KStream<K, V>({ ...this.parent, nodeName: child }));
    return child;
  }

  private finish(): Readonly<Record<string, KStream<K, V>>> {
    if (this.done) throw new InvalidTopologyError(`split ${this.nodeName} is already finished`);
    this.done = true;
    return Object.freeze(Object.fromEntries(this.streams));
  }
}

