// Integration tests: they talk to the real local stack (make test starts it).
const base = require('./.mocharc.cjs');
module.exports = { ...base, spec: [base.spec[1]] };
