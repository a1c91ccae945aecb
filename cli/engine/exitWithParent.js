// Preloaded (`node --require`) into the processes Lookout starts that run code not its own
// (a policy pack under Pulumi's runner): ends the process once its parent is gone. A
// SIGKILLed `lookout` cannot stop its children; an orphan is re-parented (PF-FAST-4), so a
// changed parent process id means the run it served is over. Plain JavaScript: it runs
// before any TypeScript loader.
"use strict";
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 250).unref();
