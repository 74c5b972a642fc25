#!/usr/bin/env bash
# The README's two commands. On a fresh Debian machine with Node >= 20.19 and npm:
#   bash scripts/dev.sh demo   installs what is missing, builds, and runs the live dashboard
#   bash scripts/dev.sh test   installs what is missing, then build, typecheck, lint and every test
set -euo pipefail
cd "$(dirname "$0")/.."

need_root_apt() {
  # $1: command that must exist, $2: Debian package that provides it
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "ssekit: installing Debian package $2 (for $1)"
    local sudo=""
    if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
    if [ -z "${APT_UPDATED:-}" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
  fi
}

install_pnpm() {
  # corepack's signature check fails on some machines: pnpm comes from npm instead.
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "ssekit: installing pnpm with npm"
    npm install -g pnpm@10 >/dev/null
  fi
}

case "${1:-}" in
  demo)
    install_pnpm
    pnpm install --frozen-lockfile
    pnpm build
    exec pnpm demo "${@:2}"
    ;;
  test)
    install_pnpm
    need_root_apt redis-server redis-server
    need_root_apt chromium chromium
    need_root_apt openssl openssl
    pnpm install --frozen-lockfile
    exec pnpm check
    ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test" >&2
    exit 2
    ;;
esac
