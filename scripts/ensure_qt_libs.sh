#!/usr/bin/env bash
# Make sure the system libraries Qt needs for a platform plugin are installed (Debian).
#
#   scripts/ensure_qt_libs.sh xcb        # before `make run`: the X11 plugin, plus a CJK font
#   scripts/ensure_qt_libs.sh offscreen  # before `make test`
#   ENSURE_QT_LIBS_DRY_RUN=1 scripts/ensure_qt_libs.sh xcb   # only say what is missing
#   ENSURE_QT_LIBS_NO_UI_FONT=1 scripts/ensure_qt_libs.sh xcb # the libraries, no CJK UI font
#
# PySide6's wheels bring Qt itself but not the X11/GL/font libraries Qt links against; a
# fresh Debian often lacks some (libxcb-icccm4, libxcb-keysyms1, libxcb-cursor0 ...), and
# Qt then dies with "Could not load the Qt platform plugin". We ask `ldd` what is missing,
# map the missing sonames to Debian packages and install them (as root, or with
# passwordless sudo); otherwise we print the exact command to run and fail.
set -euo pipefail

platform="${1:-xcb}"
venv_python="${VENV_PYTHON:-.venv/bin/python}"

say() { printf '%s\n' "$*" >&2; }

if [ ! -x "$venv_python" ]; then
    say "错误：找不到 $venv_python，请先创建虚拟环境（make run 或 make test 会自动创建）。"
    say "error: $venv_python not found; create the venv first (make run / make test do it)."
    exit 1
fi

qt_dir="$("$venv_python" - <<'PY'
import os
import PySide6
print(os.path.join(os.path.dirname(PySide6.__file__), "Qt"))
PY
)"

plugin="$qt_dir/plugins/platforms/libq$platform.so"
if [ ! -f "$plugin" ]; then
    say "错误：PySide6 中没有 Qt 平台插件 $plugin。/ error: no Qt platform plugin $plugin in PySide6."
    exit 1
fi

targets=("$plugin")
for lib in libQt6Core libQt6Gui libQt6Widgets; do
    targets+=("$qt_dir/lib/$lib.so.6")
done
if [ "$platform" = xcb ]; then
    # Loaded by the xcb plugin at run time (GLX/EGL integration), so ldd on it misses them.
    for extra in "$qt_dir"/plugins/xcbglintegrations/*.so; do
        [ -f "$extra" ] && targets+=("$extra")
    done
fi

# soname -> Debian package. Anything not listed falls back to Debian's naming rule
# (libfoo-bar.so.4 -> libfoo-bar4, libfoo2.so.0 -> libfoo2-0), checked against apt below.
declare -A PACKAGE_OF=(
    [libxcb-icccm.so.4]=libxcb-icccm4
    [libxcb-keysyms.so.1]=libxcb-keysyms1
    [libxcb-cursor.so.0]=libxcb-cursor0
    [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
    [libxkbcommon.so.0]=libxkbcommon0
    [libxcb-image.so.0]=libxcb-image0
    [libxcb-render-util.so.0]=libxcb-render-util0
    [libxcb-render.so.0]=libxcb-render0
    [libxcb-shape.so.0]=libxcb-shape0
    [libxcb-randr.so.0]=libxcb-randr0
    [libxcb-xkb.so.1]=libxcb-xkb1
    [libxcb-util.so.1]=libxcb-util1
    [libxcb-shm.so.0]=libxcb-shm0
    [libxcb-sync.so.1]=libxcb-sync1
    [libxcb-xfixes.so.0]=libxcb-xfixes0
    [libxcb-xinput.so.0]=libxcb-xinput0
    [libxcb-glx.so.0]=libxcb-glx0
    [libxcb.so.1]=libxcb1
    [libX11-xcb.so.1]=libx11-xcb1
    [libX11.so.6]=libx11-6
    [libXau.so.6]=libxau6
    [libXdmcp.so.6]=libxdmcp6
    [libXext.so.6]=libxext6
    [libXrender.so.1]=libxrender1
    [libICE.so.6]=libice6
    [libSM.so.6]=libsm6
    [libEGL.so.1]=libegl1
    [libGL.so.1]=libgl1
    [libGLX.so.0]=libglx0
    [libGLdispatch.so.0]=libglvnd0
    [libOpenGL.so.0]=libopengl0
    [libfontconfig.so.1]=libfontconfig1
    [libfreetype.so.6]=libfreetype6
    [libharfbuzz.so.0]=libharfbuzz0b
    [libpng16.so.16]=libpng16-16
    [libexpat.so.1]=libexpat1
    [libdbus-1.so.3]=libdbus-1-3
    [libglib-2.0.so.0]=libglib2.0-0
    [libgthread-2.0.so.0]=libglib2.0-0
    [libgobject-2.0.so.0]=libglib2.0-0
    [libgio-2.0.so.0]=libglib2.0-0
    [libpcre2-8.so.0]=libpcre2-8-0
    [libz.so.1]=zlib1g
    [libzstd.so.1]=libzstd1
    [libbrotlidec.so.1]=libbrotli1
    [libbrotlicommon.so.1]=libbrotli1
    [libbsd.so.0]=libbsd0
    [libmd.so.0]=libmd0
    [libsystemd.so.0]=libsystemd0
    [libcap.so.2]=libcap2
    [libgcrypt.so.20]=libgcrypt20
    [libgpg-error.so.0]=libgpg-error0
    [liblzma.so.5]=liblzma5
    [liblz4.so.1]=liblz4-1
    [libstdc++.so.6]=libstdc++6
    [libgcc_s.so.1]=libgcc-s1
    [libdrm.so.2]=libdrm2
    [libgbm.so.1]=libgbm1
    [libvulkan.so.1]=libvulkan1
    [libwayland-client.so.0]=libwayland-client0
    [libwayland-cursor.so.0]=libwayland-cursor0
    [libwayland-egl.so.1]=libwayland-egl1
    [libudev.so.1]=libudev1
    [libmtdev.so.1]=libmtdev1
    [libinput.so.10]=libinput10
)

guess_package() {
    # Debian's library package naming: drop ".so.", lower-case; a name ending in a digit
    # gets a dash before the version.
    local soname="$1" base version
    base="${soname%%.so.*}"
    version="${soname#*.so.}"
    version="${version%%.*}"
    base="$(printf '%s' "$base" | tr 'A-Z' 'a-z')"
    if [[ "$base" =~ [0-9]$ ]]; then
        printf '%s-%s\n' "$base" "$version"
    else
        printf '%s%s\n' "$base" "$version"
    fi
}

missing_sonames() {
    local target
    for target in "${targets[@]}"; do
        ldd "$target" 2>/dev/null | awk '/=> not found/ { print $1 }'
    done | sort -u
}

mapfile -t missing < <(missing_sonames)

packages=()
for soname in "${missing[@]}"; do
    [ -n "$soname" ] || continue
    pkg="${PACKAGE_OF[$soname]:-}"
    [ -n "$pkg" ] || pkg="$(guess_package "$soname")"
    packages+=("$pkg")
done

sudo=""
can_install=false
if command -v apt-get >/dev/null 2>&1 && [ -z "${ENSURE_QT_LIBS_DRY_RUN:-}" ]; then
    if [ "$(id -u)" = 0 ]; then
        can_install=true
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo"
        can_install=true
    fi
fi

# The printed forms need no system font: ClassDesk ships its own TrueType CJK font
# (resources/fonts/wqy-microhei.ttc), embedded in every PDF (app/services/pdf_font.py).

# The PDF tests read the forms back with pdftotext/pdffonts (poppler-utils); under CI=true
# they fail rather than skip without them, so `make test` installs them when it can.
if [ "$platform" = offscreen ] && ! command -v pdftotext >/dev/null 2>&1; then
    if $can_install; then
        packages+=(poppler-utils)
    else
        say "提示：没有 pdftotext/pdffonts，PDF 测试会跳过（CI=true 时失败）。可安装：sudo apt-get install -y poppler-utils"
    fi
fi

# The UI is Chinese: without a CJK font every label is a row of boxes. (Not wanted when
# only building the bundle: ENSURE_QT_LIBS_NO_UI_FONT=1, see packaging/ensure_tools.sh.)
if [ -n "${ENSURE_QT_LIBS_NO_UI_FONT:-}" ]; then
    :
elif [ "$platform" = xcb ]; then
    if ! command -v fc-list >/dev/null 2>&1; then
        packages+=(fontconfig fonts-noto-cjk)
    elif [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
        packages+=(fonts-noto-cjk)
    fi
elif command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; then
    say "提示：系统没有中文字体，截图里的中文会显示为方框（测试不受影响）。可安装：sudo apt-get install -y fonts-noto-cjk"
    say "note: no CJK font installed; screenshots will show boxes for Chinese (tests are unaffected)."
fi

if [ "${#packages[@]}" -eq 0 ]; then
    exit 0
fi
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)

if [ "${#missing[@]}" -gt 0 ]; then
    say "Qt 平台插件 '$platform' 缺少系统库 / Qt platform plugin '$platform' is missing system libraries:"
    for soname in "${missing[@]}"; do say "    $soname"; done
fi

# Debian 13 renamed some library packages with a t64 suffix (libglib2.0-0 -> libglib2.0-0t64).
resolve_packages() {
    local pkg resolved=()
    for pkg in "${packages[@]}"; do
        if apt-cache show "$pkg" >/dev/null 2>&1; then
            resolved+=("$pkg")
        elif apt-cache show "${pkg}t64" >/dev/null 2>&1; then
            resolved+=("${pkg}t64")
        else
            resolved+=("$pkg")
        fi
    done
    packages=("${resolved[@]}")
}

if ! $can_install; then
    command -v apt-cache >/dev/null 2>&1 && resolve_packages
    say ""
    say "请先安装以下系统软件包，然后重新运行："
    say "Please install these system packages, then run again:"
    say ""
    say "    sudo apt-get install -y ${packages[*]}"
    say ""
    exit 1
fi

say "==> 安装系统软件包 / installing system packages: ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
resolve_packages
if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"; then
    say "错误：安装失败。请手动运行 / error: install failed. Run by hand:"
    say "    sudo apt-get install -y ${packages[*]}"
    exit 1
fi

mapfile -t still_missing < <(missing_sonames)
if [ "${#still_missing[@]}" -gt 0 ] && [ -n "${still_missing[0]}" ]; then
    say "错误：安装后仍缺少 / error: still missing after the install: ${still_missing[*]}"
    exit 1
fi
say "==> Qt 平台插件 '$platform' 所需的系统库已齐全 / system libraries for '$platform' are in place"
