// The failure drills at full size (`make drills`): 10,000 lines/s, 60 s outages, long drains.
// The same files run at the short size inside `make test` (.mocharc.cjs).
const base = require('./.mocharc.cjs');
module.exports = { ...base, spec: ['test/drills/**/*.test.ts'], timeout: 0 };
