# Sourced by scripts/kafka.sh and scripts/connect.sh: a detached sleeper that runs `SCRIPT stop
# DIR` when a started service's time (--ttl) is up, so that a test run that dies cannot leave a
# JVM behind; the service's own stop ends the sleeper first.

# start_watchdog DIR TTL SCRIPT: nothing when TTL is empty. The sleeper's pid goes to
# DIR/watchdog.pid; it leads its own process group (setsid), named "watchdog".
start_watchdog() {
  local dir=$1 ttl=$2 script=$3
  [ -n "$ttl" ] || return 0
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'sleep "$1"; exec "$2" stop "$3"' watchdog "$ttl" "$script" "$dir" \
    </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watchdog.pid"
}

# stop_watchdog DIR: ends DIR's sleeper, if that pid is still one (a recycled pid is left alone).
stop_watchdog() {
  local dir=$1 pid
  pid=$(cat "$dir/watchdog.pid" 2>/dev/null) || return 0
  rm -f "$dir/watchdog.pid"
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "watchdog"; then
    kill -- "-$pid" 2>/dev/null || true # its process group: the bash and its sleep
  fi
}
