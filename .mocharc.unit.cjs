// Unit tests only: no running service needed.
const base = require('./.mocharc.cjs');
module.exports = { ...base, spec: [base.spec[0]], timeout: 5000 };
