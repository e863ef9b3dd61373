// `node --require queuescope/register app.js`: creates the realm's hub before the program
// runs, so QUEUESCOPE_TRACE=1 / QUEUESCOPE_TRACE_FILE=<path> take effect from the start
// (file recording included) whichever copy of the library the program loads later.

import { ensureHub } from './install';

ensureHub();
