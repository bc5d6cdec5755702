# Sourced by .ci/test: the services the tests need, started for this run only.
# Each start_* starts a service of its own (never reusing the caller's display, bus or sound
# server), checks that it is up, and records it so stop_services ends only what was started.

_started_pids=()

start_xvfb() {
  # Always a server of our own: a DISPLAY inherited from the caller may be someone
  # else's (and go away mid-run). -displayfd makes Xvfb pick a free display number
  # itself and write it once it accepts connections, so there is no race for a number.
  local fifo n=""
  fifo=$(mktemp -u /tmp/xvfb-displayfd-XXXXXX)
  mkfifo "$fifo"
  Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$fifo" >/dev/null 2>&1 &
  local pid=$!
  _started_pids+=("$pid")
  read -r -t 30 n <"$fifo" || true
  rm -f "$fifo"
  if [ -z "$n" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "services: Xvfb did not start (is the xvfb package installed?)" >&2
    return 1
  fi
  export DISPLAY=":$n"
}

start_dbus() {
  # A session bus of our own, for the same reason as the display.
  local out
  out=$(dbus-launch --sh-syntax) || { echo "services: dbus-launch failed" >&2; return 1; }
  eval "$out"
  _started_pids+=("$DBUS_SESSION_BUS_PID")
  export DBUS_SESSION_BUS_ADDRESS
  if ! kill -0 "$DBUS_SESSION_BUS_PID" 2>/dev/null; then
    echo "services: the D-Bus session did not start" >&2
    return 1
  fi
}

start_pulseaudio() {
  # A runtime folder of our own, so the daemon's socket cannot be another session's.
  unset PULSE_SERVER
  XDG_RUNTIME_DIR=$(mktemp -d /tmp/runtime-XXXXXX)
  export XDG_RUNTIME_DIR
  chmod 700 "$XDG_RUNTIME_DIR"
  _runtime_dir=$XDG_RUNTIME_DIR
  # Root is allowed a per-user daemon here; --system would need a system-wide setup.
  pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit --log-target=stderr \
    >/dev/null 2>&1 || true
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  if pactl info >/dev/null 2>&1; then
    _pulse_started=1
    pactl list short sinks | grep -q nullsink \
      || pactl load-module module-null-sink sink_name=nullsink >/dev/null
    pactl set-default-sink nullsink
  else
    echo "warning: PulseAudio did not start; real-audio tests will be skipped" >&2
  fi
}

start_services() {
  start_xvfb || return 1
  start_dbus || return 1
  start_pulseaudio
}

stop_services() {
  # Keeps the status of what ran before it: called from an EXIT trap, a failing clean-up here
  # would turn a passing run into a failed one.
  local status=$?
  if [ "${_pulse_started:-0}" = 1 ]; then pulseaudio --kill >/dev/null 2>&1 || true; fi
  for pid in "${_started_pids[@]}"; do kill "$pid" >/dev/null 2>&1 || true; done
  if [ -n "${_runtime_dir:-}" ]; then
    # pulseaudio --kill only asks: the daemon may still be removing its socket and pid file
    # while the folder is removed ("Directory not empty"), so try again for a moment.
    for _ in $(seq 20); do
      rm -rf "$_runtime_dir" 2>/dev/null && break
      sleep 0.1
    done
    [ -e "$_runtime_dir" ] && echo "services: could not remove $_runtime_dir" >&2
  fi
  return "$status"
}
