# Shared helpers for the project's scripts. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="${STATUSRELAY_LOCAL_DIR:-$REPO_ROOT/.local}"
CACHE_DIR="${STATUSRELAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/statusrelay}"
RDKAFKA_MIN_VERSION="2.3.0"
RDKAFKA_SOURCE_VERSION="2.8.0"
VENV_DIR="$LOCAL_DIR/venv"

_step_started=0
step() {
  _step_started=$(date +%s)
  printf '\033[1m==> %s\033[0m\n' "$*" >&2
}
done_step() {
  local now; now=$(date +%s)
  printf '    done in %ss\n' "$((now - _step_started))" >&2
}
info() { printf '    %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# version_ge A B: true when dotted version A >= B.
version_ge() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# wait_for_port PORT SECONDS: waits until something listens on 127.0.0.1:PORT.
wait_for_port() {
  local port=$1 deadline=$(( $(date +%s) + $2 ))
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}
