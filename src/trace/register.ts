// `node --require queuescope/register app.js`: arms tracing from the environment.
export {};
