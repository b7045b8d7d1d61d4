#!/usr/bin/env node
// npm's bin entry: runs the compiled CLI (npm run build writes dist/).
import '../dist/bin/sawmill.js';
