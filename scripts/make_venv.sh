#!/usr/bin/env bash
# Create the project's virtual environment with Python >= 3.11 (python3.11 if present, else python3).
set -euo pipefail

venv="${1:-.venv}"

python=""
for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1; then
        python="$(command -v "$candidate")"
        break
    fi
done

if [ -z "$python" ]; then
    echo "错误：找不到 python3。请先安装 Python 3.11 或更新版本：sudo apt-get install -y python3 python3-venv" >&2
    echo "error: no python3 found. Install Python 3.11 or newer: sudo apt-get install -y python3 python3-venv" >&2
    exit 1
fi

if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo '?')"
    echo "错误：ClassDesk 需要 Python 3.11 或更新版本，而 $python 是 $version。" >&2
    echo "error: ClassDesk needs Python >= 3.11, but $python is $version." >&2
    echo "       Install python3.11 (Debian 12: sudo apt-get install -y python3 python3-venv) or set PYTHON=/path/to/python3.11." >&2
    exit 1
fi

# Debian ships the venv module's ensurepip in a separate package (python3.X-venv).
if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    pkg="python3-venv"
    minor="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if command -v apt-cache >/dev/null 2>&1 && apt-cache show "python${minor}-venv" >/dev/null 2>&1; then
        pkg="python${minor}-venv"
    fi
    if [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo"
    else
        echo "错误：$python 缺少 venv 模块。请运行：sudo apt-get install -y $pkg" >&2
        echo "error: $python lacks the venv module. Run: sudo apt-get install -y $pkg" >&2
        exit 1
    fi
    echo "==> 安装 $pkg / installing $pkg"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg"
fi

echo "==> 创建虚拟环境 / creating $venv with $python ($("$python" --version 2>&1))"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip || echo "（pip 升级失败，继续使用自带的 pip / could not upgrade pip, going on with the bundled one）"
