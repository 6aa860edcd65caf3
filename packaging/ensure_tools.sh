#!/usr/bin/env bash
# What `make dist` needs from Debian besides the venv: the libraries Qt's xcb plugin
# links to (dpkg-shlibdeps must find them to write the .deb's Depends), dpkg-dev
# (dpkg-shlibdeps), binutils (strip) and lintian. Installs them as root or with
# passwordless sudo; otherwise prints the command and fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '%s\n' "$*" >&2; }

if [ "$(uname -s)" != Linux ] || ! command -v dpkg >/dev/null 2>&1; then
    say "提示：不是 Debian 系统，只构建程序文件夹，不构建 .deb。/ note: not Debian: the bundle only, no .deb."
    exit 0
fi

ENSURE_QT_LIBS_NO_UI_FONT=1 scripts/ensure_qt_libs.sh xcb

packages=()
command -v dpkg-shlibdeps >/dev/null 2>&1 || packages+=(dpkg-dev)
command -v strip >/dev/null 2>&1 || packages+=(binutils)
command -v lintian >/dev/null 2>&1 || packages+=(lintian)
[ "${#packages[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    say "请先安装 / please install: sudo apt-get install -y ${packages[*]}"
    exit 1
fi
say "==> 安装 / installing: ${packages[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
