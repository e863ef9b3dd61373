// The piscina task of bench/adapters-workload.js: as little work as a task can be.
'use strict';
module.exports = (x) => x;
