#!/usr/bin/env bash
# Installs the real servers and tools the integration tests run (redis-server, chronyd,
# faketime, promtool, pdftoppm) when they are absent. Debian/Ubuntu: apt-get, as root or
# through passwordless sudo. Installs only what is missing; one apt-get update at most.
set -euo pipefail

declare -A pkg_for=(
  [redis-server]=redis-server [redis-cli]=redis-tools [redis-benchmark]=redis-tools
  [chronyd]=chrony [chronyc]=chrony [faketime]=faketime
  [promtool]=prometheus [prometheus]=prometheus [pdftoppm]=poppler-utils
)
missing=()
for bin in "${!pkg_for[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${pkg_for[$bin]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "system-deps: missing ${pkgs[*]}; install them (apt-get install -y ${pkgs[*]}) or run as root." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${pkgs[*]} and no apt-get here; install them with your package manager." >&2
  exit 1
fi
echo "system-deps: installing ${pkgs[*]}" >&2
$sudo apt-get update -qq
# The packages' own services are not wanted: tests start private instances on free ports.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
for svc in redis-server chrony prometheus; do
  if command -v service >/dev/null 2>&1; then $sudo service "$svc" stop >/dev/null 2>&1 || true; fi
done
