# The tools the suites and the bench find or install: wrk, toxiproxy, Chromium, libfaketime, promtool (paths on
# stdout).
# Sourced by scripts/infra.sh, which sets the profile's ports and folders (LOCAL, RUN, *_PORT).
apt_install() {
  command -v apt-get >/dev/null || die "missing: $* (no apt-get here; install it by hand)"
  is_root || die "missing: $* (run: sudo apt-get install -y $*)"
  say "installing $* (apt)"
  if [ ! -f "$LOCAL/.apt-updated" ]; then
    apt-get update -qq >/dev/null && touch "$LOCAL/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------- wrk (load tests and the benchmark)
wrk_path() {
  command -v wrk >/dev/null || apt_install wrk >&2
  command -v wrk
}

# ---------------------------------------------------------------- toxiproxy (chaos tests, benchmark)
# Shared by every profile: one build per checkout. Messages on stderr, the path alone on stdout.
toxiproxy_path() {
  local tools="$ROOT/.local/tools" server="$ROOT/.local/tools/toxiproxy-server"
  if [ ! -x "$server" ]; then
    command -v go >/dev/null || die "toxiproxy is missing and Go is not installed (needed to build it)"
    say "toxiproxy: building $TOXIPROXY_VERSION once into .local/tools" >&2
    local gobin
    gobin=$(mktemp -d)
    # `go install` names binaries after their package folder (server, cli): renamed to say what they are.
    GOBIN="$gobin" CGO_ENABLED=0 go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" \
      "github.com/Shopify/toxiproxy/v2/cmd/cli@$TOXIPROXY_VERSION" >&2 || die "toxiproxy build failed"
    mkdir -p "$tools"
    mv "$gobin/cli" "$tools/toxiproxy-cli"
    mv "$gobin/server" "$server"
    rmdir "$gobin"
  fi
  echo "$server"
}

# ---------------------------------------------------------------- Chromium (the dashboard's browser test)
browser_path() {
  command -v chromium >/dev/null || apt_install chromium
  command -v chromium
}

# ---------------------------------------------------------------- libfaketime (a service with a skewed clock)
# The chaos suite starts a gateway with LD_PRELOAD of this library and FAKETIME set: its wall clock is off,
# as a host's whose NTP failed. Debian's libfaketime; the path of the library alone on stdout.
faketime_path() {
  local lib
  lib=$(dpkg -L libfaketime 2>/dev/null | grep -m 1 '/libfaketime\.so\.1$' || true)
  if [ -z "$lib" ]; then
    apt_install libfaketime >&2
    lib=$(dpkg -L libfaketime | grep -m 1 '/libfaketime\.so\.1$')
  fi
  echo "$lib"
}

# ---------------------------------------------------------------- promtool (checks deploy/prometheus)
# Debian's prometheus package is unpacked, not installed: only its promtool is needed, and no server starts.
promtool_path() {
  local promtool="$LOCAL/tools/prometheus/usr/bin/promtool"
  if command -v promtool >/dev/null; then
    command -v promtool
    return
  fi
  if [ ! -x "$promtool" ]; then
    command -v apt-get >/dev/null || die "promtool is missing (no apt-get here: install Prometheus' promtool)"
    say "promtool: unpacking Debian's prometheus package into ${LOCAL#"$ROOT"/}/tools" >&2
    if is_root && [ ! -f "$LOCAL/.apt-updated" ]; then
      apt-get update -qq >/dev/null && touch "$LOCAL/.apt-updated"
    fi
    mkdir -p "$LOCAL/tools/prometheus"
    (cd "$LOCAL/tools/prometheus" && apt-get download -qq prometheus 2>/dev/null && dpkg-deb -x prometheus_*.deb . &&
      rm -f prometheus_*.deb) >&2 || die "promtool: could not fetch Debian's prometheus package"
  fi
  echo "$promtool"
}

# ---------------------------------------------------------------- Node for Jest (scripts/jest.sh)
# Jest can require() the ES-module packages (NestJS 12, @fastify/static 10) inside its sandbox only on
# Node 24.9 or later. An older machine gets Node 24 from the npm registry, whose node-linux-<arch> package
# ships the binary: unpacked once into .local/tools, shared by every profile. The services still run on 20.19+.
node_dir() {
  if node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 24 || (a === 24 && b >= 9) ? 0 : 1)'; then
    dirname "$(command -v node)"
    return
  fi
  local arch dir="$ROOT/.local/tools/node-24"
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "node $(node -v) cannot run Jest here and npm has no Node 24 for $(uname -m): install Node 24.9 or later" ;;
  esac
  if [ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]; then
    say "node $(node -v) cannot run Jest: installing Node 24 (npm package node-linux-$arch) into .local/tools/node-24"
    npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node-linux-$arch@24" >&2 ||
      die "Node 24 could not be installed from the npm registry: install Node 24.9 or later"
  fi
  echo "$dir/node_modules/node-linux-$arch/bin"
}
