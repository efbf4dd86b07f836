# The tools the suites and the bench find or install: wrk, toxiproxy, Chromium, promtool (paths on stdout).
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
