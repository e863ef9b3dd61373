// Entry of the published library bundle (dist/lib/index.{js,mjs}): the queue API plus
// the tracing hub, so any program that uses the library can be inspected.

import { installHubFactory } from './install';

installHubFactory();

export * from '../queue/index';
