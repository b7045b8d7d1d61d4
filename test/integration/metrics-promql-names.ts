/**
 * Extracts the metric names a PromQL expression reads, so a dashboard or rule naming a metric that
 * nothing exports is caught before anyone looks at an empty panel. Grafana's variables
 * (`$__rate_interval`, `${job}`) are removed first; label matchers, ranges and grouping clauses
 * are dropped; what remains that is neither a function, an aggregation, a keyword nor a number is a
 * metric name. A `{__name__="x"}` selector counts as `x`.
 */

const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'day_of_month', 'day_of_week',
  'day_of_year', 'days_in_month', 'delta', 'deriv', 'exp', 'floor', 'histogram_quantile', 'holt_winters', 'hour', 'idelta',
  'increase', 'irate', 'label_join', 'label_replace', 'ln', 'log2', 'log10', 'minute', 'month', 'predict_linear', 'rate',
  'resets', 'round', 'scalar', 'sgn', 'sort', 'sort_desc', 'sqrt', 'time', 'timestamp', 'vector', 'year', 'avg_over_time',
  'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'quantile_over_time', 'stddev_over_time',
  'stdvar_over_time', 'last_over_time', 'present_over_time',
]);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile']);
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);

/** Returns the metric names `expr` selects, each once, in order of appearance; throws on an unbalanced `{`. */
export function promqlMetricNames(expr: string): string[] {
  const names: string[] = [];
  let text = expr
    // Grafana template variables and macros.
    .replace(/\$\{[^}]*\}|\$\w+|\[\[\w+\]\]/g, '1m');
  // A selector on __name__ names the metric.
  for (const match of text.matchAll(/__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"/g)) names.push(match[1]!);
  text = text
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/#[^\n]*/g, ' ');
  if ((text.match(/\{/g) ?? []).length !== (text.match(/\}/g) ?? []).length) throw new Error(`unbalanced braces in ${JSON.stringify(expr)}`);
  text = text
    .replace(/\{[^{}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  for (const match of text.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const word = match[1]!;
    if (FUNCTIONS.has(word) || AGGREGATIONS.has(word) || KEYWORDS.has(word.toLowerCase())) continue;
    // An unknown function is not a metric either; naming it would hide a typo in a function name, so report it.
    if (match[2] !== undefined) throw new Error(`unknown PromQL function ${word} in ${JSON.stringify(expr)}`);
    // Durations and numbers with units (5m, 1e3) start with a digit and never match; hex and exponents are digits too.
    names.push(word);
  }
  return [...new Set(names)];
}
