/** Where the topology benchmark keeps its files: build output and data under .local/, results under bench/results/. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (two levels above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Ground-truth files and Kafka Streams state directories (git-ignored, under .local). */
export const BENCH_DATA_DIR = path.join(REPO_ROOT, '.local', 'bench');
/** Result files `topology-<timestamp>.json`. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');
/** The Kafka Streams peer app. */
export const KAFKA_STREAMS_DIR = path.join(REPO_ROOT, 'bench', 'kafka-streams');
