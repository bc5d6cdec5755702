# Sourced by .ci/test: the services the tests need, started for this run only.
# Each start_* is idempotent and records what it started so stop_services ends only that.

_started_pids=()

start_xvfb() {
  if [ -n "${DISPLAY:-}" ] && [ -e "/tmp/.X11-unix/X${DISPLAY#:}" ]; then return; fi
  local n=99
  while [ -e "/tmp/.X${n}-lock" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
  _started_pids+=($!)
  export DISPLAY=":$n"
  for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
}

start_dbus() {
  if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then return; fi
  eval "$(dbus-launch --sh-syntax)"
  _started_pids+=("$DBUS_SESSION_BUS_PID")
  export DBUS_SESSION_BUS_ADDRESS
}

start_pulseaudio() {
  export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d /tmp/runtime-XXXXXX)}
  chmod 700 "$XDG_RUNTIME_DIR"
  if pactl info >/dev/null 2>&1; then return; fi
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
  start_xvfb
  start_dbus
  start_pulseaudio
}

stop_services() {
  if [ "${_pulse_started:-0}" = 1 ]; then pulseaudio --kill >/dev/null 2>&1 || true; fi
  for pid in "${_started_pids[@]}"; do kill "$pid" >/dev/null 2>&1 || true; done
}
