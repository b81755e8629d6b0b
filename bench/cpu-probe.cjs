// Preloaded (`--require`) into a measured process: writes its own CPU time (user + system, in
// microseconds) to the file named by ARCO_CPU_FILE when it exits, so start-up cost is measured
// from inside, whatever the process does.
process.on('exit', () => {
  const usage = process.cpuUsage();
  require('node:fs').writeFileSync(process.env.ARCO_CPU_FILE, String(usage.user + usage.system));
});
